/* Fast keyboard entry of paper questionnaires (no framework, no mouse needed).
 *
 * The key model, one sheet:
 *   sheet number  type it (or scan the QR code), Enter. After a save the next number is already
 *                 filled in and selected, so a stack in order costs one key: Enter.
 *   age band      (groups sampled by village) 1..n picks a band, 0 or space leaves it blank
 *   each item     1 2 3 4 pick the options in printed order, 0 or space = left blank;
 *                 the cursor moves on by itself. Backspace goes back one step. Beyond nine
 *                 options every answer is two digits (01 … 12, 00 blank; the digits the
 *                 sheet prints under its headings): Backspace after the first takes it back.
 *   summary       Enter saves, Backspace goes back to the last item, Esc drops the sheet.
 *   comment       reached by key, the summary puts the cursor in the comment (意见建议): what is
 *                 written on the paper is typed there (Shift+Enter for a new line), and Enter
 *                 saves as before; on an empty comment Backspace goes back. A sheet with no
 *                 comment costs no extra key.
 * So a sheet costs items + 2 keys (+1 for the age band; twice the items beyond nine options),
 * counted here and sent with the entry;
 * the comment's own text is not counted.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("paper-config").textContent);
  var texts = config.texts || {};
  function t(key, chinese) { return texts[key] || chinese; }
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var numberInput = document.getElementById("sheet-number");
  var numberForm = document.getElementById("number-form");
  var numberError = document.getElementById("number-error");
  var sheetBox = document.getElementById("sheet");
  var sheetTitle = document.getElementById("sheet-title");
  var ordinalBadge = document.getElementById("sheet-ordinal");
  var rowsBody = document.getElementById("entry-rows");
  var summary = document.getElementById("summary");
  var statusBox = document.getElementById("status");
  var doneCount = document.getElementById("done-count");
  var keyCount = document.getElementById("key-count");
  var scanButton = document.getElementById("scan");
  var stepNow = document.getElementById("step-now");
  var commentBox = document.getElementById("comment");

  var phase = "number"; // number | lookup | steps | summary | saving
  // Keys pressed while the server answers (a fast typist does not wait) are kept and replayed.
  var queued = [];
  var sheet = null; // {number, place, by_village, ordinal}
  var steps = []; // [{kind: "age"|"item", code, choices: [{code,label}], row}]
  var values = []; // per step: option index, null for blank, undefined for not yet
  var position = 0;
  var keystrokes = 0;
  var done = 0;
  var byKey = false; // whether the last answer was given by a key (not a click or a tap)
  var pending = ""; // the first digit of a two-digit key, typed
  var keyRefused = false; // the status says a two-digit key named no option

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A sheet number ("1-0001-4", as surveys.services.paper.sheet_number writes it), where a text
  // names one; the same pattern as the unbroken_sheet_numbers template filter.
  var SHEET_NUMBER = /(^|[^\w-])(\d+-\d+-\d)(?![\w-])/g;

  // The node's text, with each sheet number in a span.sheet-number that never breaks at its
  // hyphens: a phone broke "1-0001-4" into "1-0001-" and "4".
  function setText(node, text) {
    text = text || "";
    node.textContent = "";
    var last = 0;
    text.replace(SHEET_NUMBER, function (match, before, number, offset) {
      var start = offset + before.length;
      node.appendChild(document.createTextNode(text.slice(last, start)));
      node.appendChild(el("span", { class: "sheet-number" }, number));
      last = start + number.length;
      return match;
    });
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  // The number's problem, said under the field (#number-error, its aria-describedby) and
  // marking the field invalid for a screen reader; "" clears both.
  function numberProblem(text) {
    setText(numberError, text);
    if (text) numberInput.setAttribute("aria-invalid", "true");
    else numberInput.removeAttribute("aria-invalid");
  }

  function say(message, kind) {
    setText(statusBox, message);
    statusBox.className = "status " + (kind || "");
  }

  // A button clicked or tapped keeps no focus (unless reached by keyboard): the next space or
  // Enter is the key model's (空白, save), not a second click of that button.
  function letGo(button) {
    if (document.activeElement === button && !button.matches(":focus-visible")) button.blur();
  }

  // Each answer is a button (reachable by Tab, its state said by aria-pressed), the row's
  // answers a group named by its question: a screen reader can enter a sheet without the
  // number keys, which its browse mode takes for itself. `value`: the option's index, or null
  // for 空白 (key 0).
  function answerButton(step, i, value, label) {
    var blank = value === null;
    var button = el("button", {
      type: "button", class: blank ? "choice blank" : "choice", "data-index": blank ? "blank" : String(value),
      "aria-pressed": "false",
    });
    button.appendChild(el("kbd", {}, blank ? step.blankKey : step.choices[value].key));
    button.appendChild(document.createTextNode(" " + label));
    button.addEventListener("click", function () {
      letGo(button);
      byKey = false;
      if (phase === "steps" || phase === "summary") { position = i; choose(value); }
    });
    return button;
  }

  function stepRow(step, i) {
    var row = el("tr", { class: "step", "data-step": String(i), "data-code": step.code });
    var heading = el("th", { scope: "row", id: "step-" + i }, step.label);
    heading.appendChild(el("span", { class: "pending", "aria-hidden": "true" }));
    row.appendChild(heading);
    var cells = el("td", { class: "choices", role: "group", "aria-labelledby": "step-" + i });
    step.choices.forEach(function (choice, k) {
      cells.appendChild(answerButton(step, i, k, choice.label));
    });
    cells.appendChild(answerButton(step, i, null, t("blank", "空白")));
    row.appendChild(cells);
    return row;
  }

  function buildSteps() {
    steps = [];
    rowsBody.textContent = "";
    if (sheet.by_village && config.ageBands.length) {
      steps.push({
        kind: "age", code: "age_band", label: t("age_band", "年龄段"), choices: config.ageBands,
        blankKey: config.ageBlankKey,
      });
    }
    var lastDimension = null;
    config.items.forEach(function (item, n) {
      steps.push({
        kind: "item", code: item.code, label: (n + 1) + ". " + item.text, choices: config.options,
        blankKey: config.blankKey, dimension: item.dimension,
      });
    });
    steps.forEach(function (step, i) {
      if (step.kind === "item" && step.dimension !== lastDimension) {
        lastDimension = step.dimension;
        var head = el("tr", { class: "dimension" });
        head.appendChild(el("th", { colspan: "2" }, config.dimensions[step.dimension] || ""));
        rowsBody.appendChild(head);
      }
      step.row = stepRow(step, i);
      rowsBody.appendChild(step.row);
    });
    values = steps.map(function () { return undefined; });
    position = 0;
    pending = "";
  }

  function paint() {
    steps.forEach(function (step, i) {
      step.row.classList.toggle("current", phase === "steps" && i === position);
      step.row.classList.toggle("answered", values[i] !== undefined);
      // The first digit of a two-digit key, shown after the question until the second comes.
      step.row.querySelector(".pending").textContent =
        phase === "steps" && i === position && pending ? " " + pending + "_" : "";
      Array.prototype.forEach.call(step.row.querySelectorAll(".choice"), function (cell) {
        var index = cell.getAttribute("data-index");
        var picked = values[i] === null ? index === "blank" : String(values[i]) === index;
        cell.classList.toggle("picked", values[i] !== undefined && picked);
        cell.setAttribute("aria-pressed", values[i] !== undefined && picked ? "true" : "false");
      });
    });
    announce();
    summary.hidden = phase !== "summary";
    keyCount.textContent = String(keystrokes);
    if (phase === "steps" && steps[position]) {
      steps[position].row.scrollIntoView({ block: "center" });
    }
    if (phase === "summary") summary.scrollIntoView({ block: "center" });
  }

  // What a screen reader hears after each answer: the question now due, or the summary's ask.
  var spoken = "";
  function announce() {
    var text = "";
    if (phase === "steps" && steps[position]) {
      var given = values[position];
      text = steps[position].label + (given === undefined ? "" : "：" + (given === null
        ? t("blank", "空白") : steps[position].choices[given].label));
    } else if (phase === "summary") {
      text = summary.querySelector("p").textContent;
    }
    if (text !== spoken) stepNow.textContent = spoken = text;
  }

  function choose(index) {
    pending = "";
    if (keyRefused) {
      keyRefused = false;
      say("");
    }
    values[position] = index;
    if (position < steps.length - 1) {
      position += 1;
      phase = "steps";
    } else {
      phase = "summary";
    }
    paint();
    // The keyboard's typist goes on into the comment; a phone's on-screen keyboard is not opened
    // for a sheet that most likely has none (a tap on the field opens it).
    if (phase === "summary" && byKey) commentBox.focus();
  }

  function back() {
    pending = "";
    if (document.activeElement === commentBox) commentBox.blur();
    if (phase === "summary") {
      phase = "steps";
      position = steps.length - 1;
    } else if (position > 0) {
      position -= 1;
    }
    paint();
  }

  function startNumber(prefill, message, kind) {
    phase = "number";
    sheet = null;
    sheetBox.hidden = true;
    summary.hidden = true;
    numberForm.hidden = false;
    commentBox.value = "";
    numberInput.value = prefill || "";
    numberInput.focus();
    numberInput.select();
    keystrokes = 0;
    keyCount.textContent = "0";
    if (message) say(message, kind);
  }

  function dropSheet() {
    startNumber(sheet ? sheet.number : numberInput.value, t("discarded", "已放弃这张问卷的录入，未保存。"), "warn");
  }

  function replay() {
    var keys = queued;
    queued = [];
    keys.forEach(function (key) { handleKey(key, true); });
  }

  function lookup(text) {
    numberProblem("");
    phase = "lookup";
    return fetch(config.lookupUrl + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (reply) {
      return reply.json().then(function (body) {
        if (!reply.ok) {
          phase = "number";
          queued = [];
          numberProblem(body.error || t("lookup_failed", "查找问卷失败。"));
          if (body.next_number) numberInput.value = body.next_number;
          numberInput.focus();
          numberInput.select();
          return;
        }
        sheet = body;
        setText(sheetTitle, t("sheet", "问卷") + " " + body.number + " · " + body.place);
        ordinalBadge.textContent = body.ordinal === 2 ? t("second", "第 2 遍录入（核对）") : t("first", "第 1 遍录入");
        ordinalBadge.className = "ordinal ordinal-" + body.ordinal;
        numberForm.hidden = true;
        sheetBox.hidden = false;
        numberInput.blur();
        buildSteps();
        phase = "steps";
        say("");
        paint();
        replay();
      });
    }).catch(function () {
      phase = "number";
      queued = [];
      numberProblem(t("network", "网络错误，请重试。"));
    });
  }

  function save() {
    phase = "saving";
    var answers = {};
    var ageBand = null;
    steps.forEach(function (step, i) {
      var v = values[i];
      var code = v === null || v === undefined ? null : step.choices[v].code;
      if (step.kind === "age") ageBand = code;
      else answers[step.code] = code;
    });
    var url = config.saveUrl.replace("NUMBER", encodeURIComponent(sheet.number));
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ age_band: ageBand, answers: answers, comment: commentBox.value, keystrokes: keystrokes }),
    }).then(function (reply) {
      return reply.json().then(function (body) {
        if (!reply.ok) {
          phase = "summary";
          queued = [];
          say(body.error || t("save_failed", "保存失败。"), "error");
          paint();
          return;
        }
        done += 1;
        doneCount.textContent = String(done);
        var kind = body.status === "discrepancy" ? "warn" : "ok";
        var early = queued;
        queued = [];
        startNumber(body.next_number || "", body.message, kind);
        keystrokes = early.length; // pressed while saving: they belong to the next sheet
        early.forEach(function (key) { handleKey(key, true); });
      });
    }).catch(function () {
      phase = "summary";
      queued = [];
      say(t("network_unsaved", "网络错误，未保存：请按 Enter 重试。"), "error");
      paint();
    });
  }

  // The summary's buttons and the discard button do what Enter, Backspace and Esc do, for a
  // phone (no keys once its on-screen keyboard has closed) or a pointer.
  document.getElementById("save-sheet").addEventListener("click", function () {
    if (phase === "summary") save();
  });
  document.getElementById("back-step").addEventListener("click", function () {
    if (phase === "summary") back();
  });
  document.getElementById("drop-sheet").addEventListener("click", function () {
    if (phase === "steps" || phase === "summary") dropSheet();
  });

  numberForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = numberInput.value.trim();
    if (text) lookup(text);
  });

  // Returns whether the key was used. `replayed` keys were counted when they were pressed.
  function handleKey(key, replayed) {
    if (phase === "number") {
      if (!replayed) return false; // typed into the number field as usual
      if (key === "Enter") numberForm.requestSubmit();
      else if (key === "Backspace") numberInput.value = numberInput.value.slice(0, -1);
      else if (key.length === 1) {
        var whole = numberInput.selectionStart === 0 && numberInput.selectionEnd === numberInput.value.length;
        numberInput.value = (whole ? "" : numberInput.value) + key;
      }
      return true;
    }
    if (phase === "lookup" || phase === "saving") {
      queued.push(key);
      return true;
    }
    if (phase === "steps") {
      byKey = true;
      var step = steps[position];
      var width = step.blankKey.length;
      if (/^[0-9]$/.test(key) && width > 1) {
        pending += key;
        if (pending.length < width) {
          paint();
          return true;
        }
        var typed = pending;
        var picked = Number(typed);
        if (picked === 0) choose(null);
        else if (picked <= step.choices.length) choose(picked - 1);
        else {
          pending = "";
          keyRefused = true;
          say(t("no_such_key", "没有这个选项：") + typed, "error");
          paint();
        }
        return true;
      }
      if (/^[1-9]$/.test(key) && Number(key) <= step.choices.length) choose(Number(key) - 1);
      else if (key === "0" || key === " ") choose(null);
      else if (key === "Backspace" && pending) { pending = ""; paint(); }
      else if (key === "Backspace") back();
      else if (key === "Escape") dropSheet();
      else return false;
      return true;
    }
    if (phase === "summary") {
      if (key === "Enter") save();
      else if (key === "Backspace") back();
      else if (key === "Escape") dropSheet();
      else return false;
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    // A key that an input method is composing with (its Enter picks a word) is the IME's.
    if (event.isComposing || event.keyCode === 229) return;
    if (phase === "summary" && event.target === commentBox) {
      // Typing the comment: only Enter (save), Esc (drop) and Backspace on an empty comment
      // (back) are the key model's; everything else, Shift+Enter too, is the comment's text.
      var modelKey = (event.key === "Enter" && !event.shiftKey) || event.key === "Escape" ||
        (event.key === "Backspace" && commentBox.value === "");
      if (!modelKey) return;
    }
    if (phase === "number") {
      if (event.target === numberInput) keystrokes += 1;
      return; // the number field and its form (Enter submits) do the rest
    }
    // Enter or space on an answer button reached by keyboard (Tab: focus shown) is that button's
    // click; after a mouse click the keys keep their meaning (space = 空白, Enter = save).
    if ((event.key === "Enter" || event.key === " ") && event.target.classList &&
        event.target.classList.contains("choice") && event.target.matches(":focus-visible")) return;
    keystrokes += 1; // before handling: the Enter that saves is part of the sheet it saves
    if (handleKey(event.key, false)) {
      event.preventDefault();
    } else {
      keystrokes -= 1;
    }
    keyCount.textContent = String(keystrokes);
  });

  // Scanning the sheet's QR code with the camera, where the browser can (Chrome on Android).
  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scanButton.hidden = false;
    scanButton.addEventListener("click", function () {
      var video = document.getElementById("camera");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.hidden = false;
        video.srcObject = stream;
        video.play();
        function stop() {
          stream.getTracks().forEach(function (t) { t.stop(); });
          video.hidden = true;
        }
        function tick() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              numberInput.value = codes[0].rawValue;
              lookup(codes[0].rawValue);
            } else if (!video.hidden) {
              requestAnimationFrame(tick);
            }
          }).catch(function () { stop(); });
        }
        tick();
      }).catch(function () {
        numberError.textContent = t("camera", "无法打开摄像头，请手动输入编号。");
      });
    });
  }

  startNumber(numberInput.value);
})();
