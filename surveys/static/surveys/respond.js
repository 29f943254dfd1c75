/* The questionnaire on the phone: keep answers as they are given, submit through the API with
   an id made here, queue while offline and retry until the server acknowledges (201/200).
   Without this script the page is a plain form; nothing here is needed to answer.
   On the thank-you pages (no form) it only delivers what the phone still queues: a retry of
   answers the server already holds is acknowledged, and leaves the outbox. Where the browser
   has Background Sync, a submission that failed is also handed to the service worker, which
   sends it when the network returns even if the page was closed (respond-sw.js). */
(function () {
  "use strict";
  var configNode = document.getElementById("respond-config");
  if (!configNode || !window.JSON) return;
  var cfg = JSON.parse(configNode.textContent);
  var T = cfg.js;
  var form = document.getElementById("survey-form");
  var DRAFT = "sv:draft:" + cfg.token;
  var DONE = "sv:done:" + cfg.token; // this phone's answers to this link are stored
  // This phone's answers to this survey are stored, by whichever of its links: where the survey
  // takes one response per phone, its other links say so before they are filled in.
  var ANSWERED = cfg.survey ? "sv:answered:" + cfg.survey : "";
  var RENEWED = "sv:renewed:" + cfg.token; // reloaded because the questionnaire was edited
  var OUTBOX = "sv:outbox";
  // Phones shared: earlier queued answers the server refused, until the interviewer dismisses the
  // line that says so (it outlives a reload): [{ reason, started_at }], the latest 50.
  var REFUSED = "sv:refused";
  var MAX_DELAY = 300000; // retries back off to at most five minutes while the page is not seen…
  var MAX_DELAY_SEEN = 60000; // …and to about a minute while it is
  var due = 0; // when the waiting retry is due
  // Whether answers outlive the page (not private mode): set by storage(), inside its guard. Where
  // the phone blocks site data even reading window.localStorage throws, and would stop this script.
  var persistent = false;
  var store = storage();
  var retryButton = document.getElementById("retry"); // 立即重试, while a retry waits
  // Phones shared (an interviewer's), on a link that takes more than one response: 填写下一份
  // while the answers wait for a network, and the line that counts the earlier ones still waiting.
  var nextButton = document.getElementById("next");
  var queuedNode = document.getElementById("queued");
  var dismissButton = document.getElementById("queued-dismiss"); // 知道了: the refusals are read
  var timer = null;
  var busy = false;

  function storage() {
    try {
      localStorage.setItem("sv:test", "1");
      localStorage.removeItem("sv:test");
      persistent = true;
      return window.localStorage;
    } catch (e) { // private mode or storage disabled: keep answers for this page's life at least
      var memory = {};
      return {
        getItem: function (k) { return k in memory ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  }
  function load(key, fallback) {
    try { var v = store.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (e) { /* full: the page still works */ }
  }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k]; });
  }
  // The text for n things: its "_one" form for exactly one where the language has one (as
  // counted() in surveys/respond/texts.py).
  function counted(key, n) {
    return format(n === 1 && T[key + "_one"] ? T[key + "_one"] : T[key], { n: n });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16), i, h = [];
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 15) | 64; // version 4
    b[8] = (b[8] & 63) | 128; // RFC 4122 variant
    for (i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    h = h.join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // A random marker for this phone, in localStorage and in a cookie: either restores the other.
  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  var device = load("sv:device", "") || cookie(cfg.deviceCookie) || uuid().replace(/-/g, "");
  save("sv:device", device);
  document.cookie = cfg.deviceCookie + "=" + encodeURIComponent(device) + "; path=/; max-age=34560000; samesite=lax";

  // The outbox: submissions not yet acknowledged, by response id, across invitations.
  function outbox() { return load(OUTBOX, {}); }
  function pending(id) { var box = outbox(); return box[id]; }
  function enqueue(data) {
    var box = outbox();
    // Once queued a submission never changes: a retry must be byte-for-byte the same answers.
    // `survey`: the survey to remember as answered once it is stored (one phone, one response).
    if (!box[data.response_id]) {
      box[data.response_id] = { payload: data, tries: 0, survey: cfg.sharedDevice ? "" : cfg.survey || "" };
    }
    save(OUTBOX, box);
  }
  function answeredSurvey(survey) { if (survey) save("sv:answered:" + survey, true); }
  function dequeue(id) { var box = outbox(); delete box[id]; save(OUTBOX, box); tell({ sent: id }); showQueued(); }
  // Background Sync (respond-sw.js): answers this page could not deliver are handed over to the
  // service worker as well, which sends them once the network is back even if no page is open.
  function tell(message) {
    if (!cfg.serviceWorker || !navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    }).catch(function () { /* no service worker: the page's outbox is all there is */ });
  }
  // The answers shown are queued where they outlive the page: the interviewer may go on.
  function mayGoOn() { return !!nextButton && persistent && !!pending(draft.response_id); }
  // The earlier answers still waiting (not the ones shown: the status below the form says theirs).
  // And what the server refused of them: counted by reason, with when each was begun, so that the
  // interviewer knows whom to ask again.
  function showQueued() {
    if (!queuedNode) return;
    var n = Object.keys(outbox()).filter(function (id) { return !draft || id !== draft.response_id; }).length;
    var reasons = [], begun = {};
    load(REFUSED, []).forEach(function (refusal) {
      if (!begun[refusal.reason]) { begun[refusal.reason] = []; reasons.push(refusal.reason); }
      begun[refusal.reason].push(refusal.started_at);
    });
    var said = reasons.map(function (reason) {
      var count = begun[reason].length, times = when(begun[reason]);
      var text = count === 1 && T.queue_refused_one ? T.queue_refused_one : T.queue_refused;
      return format(text, { n: count, reason: reason, begun: times ? format(T.begun, { times: times }) : "" });
    });
    var text = said.concat(n ? [counted("queued", n)] : []).join(" ");
    queuedNode.textContent = text;
    queuedNode.hidden = !text;
    queuedNode.className = said.length ? "status error" : "status";
    if (dismissButton) dismissButton.hidden = !said.length;
  }
  // Start times, earliest first, as the phone's clock shows them: 09:12 today, else with the day.
  function when(starts) {
    var today = new Date().toDateString(), shown = [], sorted = starts.slice().sort(), i, d, time;
    function pad(k) { return (k < 10 ? "0" : "") + k; }
    for (i = 0; i < sorted.length && shown.length < 5; i++) {
      d = new Date(sorted[i]);
      if (!sorted[i] || isNaN(d.getTime())) continue;
      time = pad(d.getHours()) + ":" + pad(d.getMinutes());
      shown.push(d.toDateString() === today ? time : format(T.day_time, {
        month: d.getMonth() + 1, day: d.getDate(), mon: (T.months || [])[d.getMonth()], time: time
      }));
    }
    return shown.join(T.list_sep) + (shown.length && sorted.length > shown.length ? T.and_more : "");
  }
  function noteRefused(entry, reason) {
    var refusals = load(REFUSED, []);
    refusals.push({ reason: reason, started_at: entry.payload.started_at || "" });
    save(REFUSED, refusals.slice(-50));
  }
  function waitingText() {
    var n = Object.keys(outbox()).length;
    return n > 1 ? " " + format(T.waiting, { n: n }) : "";
  }
  // Whether this page shows the entry's fate: the answers its questionnaire shows (an
  // interviewer who went on to the next person has earlier answers of this link still queued).
  function shown(entry) { return !!form && entry.payload.response_id === draft.response_id; }

  function post(data) {
    var body = JSON.stringify(data);
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (!window.fetch) {
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", cfg.api);
        xhr.setRequestHeader("Content-Type", headers["Content-Type"]);
        xhr.timeout = 30000;
        xhr.onload = function () {
          var parsed = {};
          try { parsed = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
          resolve({ status: xhr.status, body: parsed, wait: Number(xhr.getResponseHeader("Retry-After")) || 0 });
        };
        xhr.onerror = xhr.ontimeout = function () { reject(new Error("network")); };
        xhr.send(body);
      });
    }
    var options = { method: "POST", headers: headers, body: body, credentials: "same-origin", cache: "no-store" };
    var abort = window.AbortController ? new AbortController() : null;
    if (abort) { options.signal = abort.signal; setTimeout(function () { abort.abort(); }, 30000); }
    return fetch(cfg.api, options).then(function (r) {
      var wait = Number(r.headers.get("Retry-After")) || 0;
      return r.json().catch(function () { return {}; }).then(function (b) { return { status: r.status, body: b, wait: wait }; });
    });
  }

  // `notBefore`: the seconds a 429's Retry-After asks for (the rate limit's window rolls over
  // then; sooner, each try is refused again and counts against the village's shared address).
  function schedule(entry, message, notBefore) {
    var box = outbox();
    if (box[entry.payload.response_id]) {
      box[entry.payload.response_id].tries = (entry.tries || 0) + 1;
      save(OUTBOX, box);
      tell({ outbox: { api: cfg.api, payload: entry.payload } });
    }
    var delay = Math.min(MAX_DELAY, 2000 * Math.pow(2, entry.tries || 0)) * (0.8 + Math.random() * 0.4);
    if (document.visibilityState !== "hidden") delay = Math.min(MAX_DELAY_SEEN, delay);
    // The answers on screen were submitted while this earlier one was on its way and have not been
    // tried yet: they go now, not after the earlier one's back-off.
    var onScreen = !!form && !!draft && box[draft.response_id];
    if (!shown(entry) && onScreen && !onScreen.tries) delay = 0;
    if (notBefore > 0) delay = Math.max(delay, Math.min(MAX_DELAY, notBefore * 1000) + Math.random() * 1000);
    if (shown(entry)) {
      var goOn = mayGoOn();
      showStatus(message + waitingText() + (T.deadline ? " " + T.deadline : ""), true);
      if (goOn) statusNode.textContent += " " + T.go_on;
      if (retryButton) retryButton.hidden = false;
      if (nextButton) nextButton.hidden = !goOn;
      // The first failure after the tap: the message appears where the tapped button was and
      // pushes 立即重试 below the screen's edge (a small phone showed "未联网，答卷…" cut short and
      // no button). Scrolled just enough to show both; later retries leave the scroll alone.
      if (!entry.tries) {
        var last = goOn ? nextButton : retryButton || statusNode; // the lowest of them
        try { last.scrollIntoView({ block: "nearest" }); } catch (e) { /* a courtesy */ }
      }
    }
    else showQueued();
    wait(delay);
  }
  function wait(delay) {
    clearTimeout(timer);
    due = Date.now() + delay;
    timer = setTimeout(flush, delay);
  }
  // Back in view with a long wait ahead: wait no more than a minute from now.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden" && !busy && due - Date.now() > MAX_DELAY_SEEN) wait(MAX_DELAY_SEEN);
  });

  function flush() {
    if (busy) { // an earlier request is on its way; answers just submitted go as soon as it ends
      if (form && draft && pending(draft.response_id)) showStatus(T.sending, false);
      return;
    }
    clearTimeout(timer);
    due = 0;
    // 立即重试 pressed from the keyboard hides itself: its focus goes to the status, just before it.
    var refocus = !!retryButton && document.activeElement === retryButton;
    if (retryButton) retryButton.hidden = true;
    var box = outbox(), ids = Object.keys(box);
    if (!ids.length) return;
    // The answers this page shows go first: behind another link's (an interviewer's phone, answers
    // queued in several villages) the page said nothing at all while they waited, not even 未联网.
    var entry = (form && draft && box[draft.response_id]) || box[ids[0]];
    var mine = shown(entry);
    busy = true;
    if (mine) showStatus(T.sending, false);
    if (refocus) focusOn(statusNode);
    post(entry.payload).then(function (res) {
      busy = false;
      // Asked again: the interviewer may have gone on to the next person while it was on its way.
      handle(entry, res.status, res.body || {}, shown(entry), res.wait);
    }, function () {
      busy = false;
      // No answer at all: offline if the phone says so, else a slow or flaky network.
      schedule(entry, navigator.onLine === false ? T.offline : T.slow);
    });
  }

  // Whether an answer is the API's own (contract §6): 201/200 name the response id sent, 409 and
  // 403 give a code, 400 its errors. Anything else came from something in between — a Wi-Fi
  // login page or a firewall's block page, often 200 (a redirect followed) or 403 in HTML — and
  // says nothing about the answers: a 200 of that kind showed 已提交 for answers never stored.
  function fromServer(entry, status, body) {
    if (status === 201 || status === 200) {
      return String(body.response_id || "").toLowerCase() === String(entry.payload.response_id).toLowerCase();
    }
    if (status === 409 || status === 403) return typeof body.code === "string";
    if (status === 400) return !!body.errors && typeof body.errors === "object";
    return true;
  }

  function handle(entry, status, body, mine, wait) {
    var id = entry.payload.response_id;
    if (!fromServer(entry, status, body)) {
      schedule(entry, T.retry); // kept, and tried again later, as for a 5xx
    } else if (status === 201 || status === 200 || status === 409) {
      answeredSurvey(entry.survey); // stored: this or an earlier copy of it (409)
      dequeue(id);
      if (mine) finish(status === 409 ? T.conflict : null);
      flush();
    } else if (status === 400 || status === 403) {
      // The server will never take this one as it is: give it back to the respondent.
      if (body.code === "device_used") answeredSurvey(entry.survey); // answered by another link
      // Answers no longer on screen (an interviewer's, gone on to the next person): said in
      // the line at the top of the questionnaire, now or when it is next opened.
      if (!mine && cfg.sharedDevice) {
        noteRefused(entry, status === 400 ? T.queue_invalid : refusalText(body));
      }
      dequeue(id);
      if (mine) refused(status, body);
      flush();
    } else {
      schedule(entry, T.retry, status === 429 ? wait : 0); // 429, 5xx, a proxy's error page: later
    }
  }

  // The service worker (its scope: /s/) keeps the questionnaire so that it opens again without
  // a network. It keeps what it serves; a page it did not serve — the first visit, before it was
  // installed — asks it to fetch and keep that page and its files now, so one visit is enough.
  function keepForOffline() {
    if (!cfg.serviceWorker || !navigator.serviceWorker) return;
    var served = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register(cfg.serviceWorker).then(function () {
      if (served || !cfg.keep) return;
      return navigator.serviceWorker.ready.then(function (registration) {
        var urls = [location.href.split("#")[0]], i;
        var files = document.querySelectorAll("link[rel=stylesheet][href], script[src]");
        for (i = 0; i < files.length; i++) urls.push(files[i].href || files[i].src);
        if (registration.active) registration.active.postMessage({ keep: urls });
      });
    }).catch(function () { /* no service worker: the page still works online */ });
  }

  window.addEventListener("online", function () { clearTimeout(timer); flush(); });

  if (!form) { // a thank-you page
    if (cfg.answered) {
      // The server holds this phone's answers to this survey: nothing more to ask here, even
      // from a copy of the questionnaire opened offline.
      store.removeItem(DRAFT);
      if (!cfg.sharedDevice) {
        save(DONE, true);
        answeredSurvey(cfg.survey);
      }
    }
    flush(); // anything left from an earlier visit, for any invitation
    keepForOffline();
    return;
  }

  var statusNode = document.getElementById("status");
  var button = document.getElementById("submit");
  var bar = document.getElementById("bar");
  var barAlert = document.getElementById("bar-alert");
  var reminding = false; // the bar counts the unanswered questions after a submit tap
  var doneText = document.getElementById("done-message").textContent; // 已保存, without a note

  // The draft: answers as given, the response id and when answering started.
  // A new draft begins as the page opens; one kept for an interviewer's next person (填写下一份)
  // begins at that person's first answer (started_at null until then).
  var draft = load(DRAFT, null) || { started_at: new Date().toISOString() };
  draft.values = draft.values || {};
  draft.response_id = draft.response_id || uuid();
  form.elements.response_id.value = draft.response_id;
  save(DRAFT, draft);

  var questions = form.querySelectorAll("fieldset.q"); // the age band (unnumbered) and the items
  var items = [], q;
  for (q = 0; q < questions.length; q++) {
    if (isItem(questions[q])) items.push(questions[q]);
  }

  function isItem(fieldset) { return fieldset.getAttribute("data-name").indexOf("q_") === 0; }
  function restore() {
    var els = form.elements, i, el;
    for (i = 0; i < els.length; i++) {
      el = els[i];
      if (el.type === "radio" && draft.values[el.name] === el.value) el.checked = true;
      else if (el.name === "comment" && typeof draft.values.comment === "string") el.value = draft.values.comment;
    }
  }
  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }
  // The counter counts the numbered questions, as the page numbers them.
  function progress() {
    var n = 0, i;
    for (i = 0; i < items.length; i++) if (value(items[i].getAttribute("data-name"))) n++;
    document.getElementById("progress-fill").style.width = (items.length ? (100 * n) / items.length : 0) + "%";
    document.getElementById("progress-text").textContent = format(T.progress, { n: n, total: items.length });
    return n;
  }
  function markError(fieldset, message) {
    var err = fieldset.querySelector(".err");
    fieldset.className = message ? "q invalid" : "q";
    if (err) { err.textContent = message || ""; err.hidden = !message; }
    if (message) {
      fieldset.setAttribute("aria-invalid", "true");
      if (err && err.id) fieldset.setAttribute("aria-describedby", err.id);
    } else {
      fieldset.removeAttribute("aria-invalid");
      fieldset.removeAttribute("aria-describedby");
    }
  }
  function showAlert(message) { // at the top of the page: why the server refused
    var node = document.getElementById("form-error");
    node.textContent = message || "";
    node.hidden = !message;
  }
  // In the sticky bar, which stays on screen. Announced (role=alert) when a submit tap or the
  // server gives it; `quiet` while the answers come in, when the counter (aria-live polite)
  // already says the progress: the whole reminder is not read out again on every tap.
  function showBarAlert(message, quiet) {
    if (quiet) barAlert.removeAttribute("role");
    else barAlert.setAttribute("role", "alert");
    barAlert.textContent = message || "";
    barAlert.hidden = !message;
    fitBar();
  }
  // A bar taller than 30 % of the screen (large text, a long reminder) scrolls away instead of
  // covering the questions (respond.css: .bar.tall). While it stays on top, what the keyboard
  // focuses is scrolled into view below it, not under it (Shift+Tab going back up the page).
  function fitBar() {
    bar.classList.toggle("tall", !bar.hidden && bar.offsetHeight > 0.3 * window.innerHeight);
    var onTop = !bar.hidden && window.getComputedStyle(bar).position === "sticky";
    document.documentElement.style.scrollPaddingTop = onTop ? bar.offsetHeight + 8 + "px" : "";
  }
  // While a submission is pending the answers cannot change: what is queued is sent as it is,
  // so the screen must keep showing exactly that. Lifted when the server refuses it as invalid.
  function lock(on) {
    var sets = form.querySelectorAll("fieldset"), i;
    for (i = 0; i < sets.length; i++) sets[i].disabled = on;
    form.classList.toggle("locked", on);
    button.disabled = on;
  }
  // The screen shows a queued submission's answers (after a reload they are the draft's no longer).
  function show(data) {
    var els = form.elements, i, el, given;
    for (i = 0; i < els.length; i++) {
      el = els[i];
      if (el.type === "radio") {
        given = el.name === "age_band" ? data.age_band : (data.answers || {})[el.name.slice(2)];
        el.checked = given === el.value;
        if (el.checked) draft.values[el.name] = el.value;
      } else if (el.name === "comment") {
        el.value = data.comment || "";
        draft.values.comment = el.value;
      }
    }
    save(DRAFT, draft);
  }
  function showStatus(message, isError) {
    if (message && form.classList.contains("locked")) message += " " + T.locked;
    statusNode.textContent = message || "";
    statusNode.hidden = !message;
    statusNode.className = isError ? "status error" : "status";
  }
  // Scroll a question to just below the sticky bar (whose height changes with its alert), if sticky.
  function reveal(fieldset) {
    var over = window.getComputedStyle(bar).position === "sticky" ? bar.offsetHeight : 0; // static when short
    var top = fieldset.getBoundingClientRect().top + (window.pageYOffset || 0) - over - 8;
    window.scrollTo(0, Math.max(0, top));
    var input = fieldset.querySelector("input");
    if (input) {
      try { input.focus({ preventScroll: true }); } catch (e) { /* focus is a courtesy */ }
    }
  }

  function onInput(event) {
    var el = event.target;
    if (!el.name || el.name === "response_id") return;
    draft.values[el.name] = el.value;
    draft.started_at = draft.started_at || new Date().toISOString(); // the next person's first answer
    save(DRAFT, draft);
    if (el.type === "radio") {
      var fieldset = closest(el, "q");
      if (fieldset) markError(fieldset, "");
      progress();
      if (reminding) remind(unanswered(), true);
    }
  }
  // A message that takes the focus from a control about to be disabled or hidden: without it the
  // focus falls to the page itself, and the next Tab starts again at the top (status, form-error
  // and done have tabindex=-1).
  function focusOn(node) {
    if (!node || node.hidden) return;
    try { node.focus(); } catch (e) { /* focus is a courtesy */ }
  }
  function closest(el, cls) {
    while (el && !(el.classList && el.classList.contains(cls))) el = el.parentNode;
    return el;
  }

  function unanswered() {
    var missing = [], i;
    for (i = 0; i < questions.length; i++) {
      if (!value(questions[i].getAttribute("data-name"))) missing.push(questions[i]);
    }
    return missing;
  }
  // What is missing, said as the server says it (surveys/respond/texts.py, missing_text).
  function remind(missing, quiet) {
    var count = 0, age = false, i;
    for (i = 0; i < missing.length; i++) {
      if (isItem(missing[i])) count++;
      else age = true;
    }
    var text = age
      ? (count ? counted("missing_age_and", count) : T.missing_age)
      : (count ? counted("missing", count) : "");
    showBarAlert(text, quiet);
    reminding = !!text;
  }
  function payload() {
    var answers = {}, i, name;
    for (i = 0; i < items.length; i++) {
      name = items[i].getAttribute("data-name");
      answers[name.slice(2)] = value(name);
    }
    return {
      response_id: draft.response_id,
      invitation: cfg.token,
      age_band: value("age_band"),
      answers: answers,
      comment: form.elements.comment.value,
      started_at: draft.started_at || new Date().toISOString(),
      submitted_at: new Date().toISOString(),
      device: device
    };
  }

  function finish(note) {
    store.removeItem(DRAFT); // only now that the server holds the answers
    if (!cfg.sharedDevice) {
      save(DONE, true);
      answeredSurvey(cfg.survey);
    }
    form.hidden = true;
    bar.hidden = true;
    showBarAlert("");
    reminding = false;
    var extras = document.querySelectorAll(".intro, .lang"), i;
    for (i = 0; i < extras.length; i++) extras[i].hidden = true;
    showAlert("");
    document.getElementById("done-message").textContent = note || doneText;
    var done = document.getElementById("done");
    done.hidden = false;
    window.scrollTo(0, 0);
    done.focus();
  }

  // This phone answered the survey by another of its links, and the survey takes one response per
  // phone: the server refuses a second one, and with the phone's cookies cleared it cannot tell
  // before the answers arrive. Said at once, in the server's words, instead of a form to fill in
  // for nothing; after a refusal, the form goes too.
  function answeredElsewhere(focus) {
    form.hidden = true;
    bar.hidden = true;
    showBarAlert("");
    reminding = false;
    var extras = document.querySelectorAll(".intro"), i;
    for (i = 0; i < extras.length; i++) extras[i].hidden = true;
    showAlert(T.device_used || T.already_done);
    window.scrollTo(0, 0);
    if (focus) focusOn(document.getElementById("form-error"));
  }

  // A 400 that answering cannot fix: the server names a question this page does not show (one
  // added since it was loaded), or refuses an answer given on it (a question or option removed,
  // "未知题目代码"). The page is older than the questionnaire.
  function outdated(errors) {
    var name, fieldset;
    for (name in errors) {
      if (name === "comment") continue;
      fieldset = document.getElementById("q-" + name.replace(/^answers\./, ""));
      if (!fieldset || value(fieldset.getAttribute("data-name"))) return true;
    }
    return false;
  }
  // Load the questionnaire as it is now: the draft (kept by question) fills it in again, and the
  // page then says why and points at what is still unanswered. Once only: a page that is still
  // older after reloading (a kept copy) shows the server's reasons instead. What the server
  // refused that the page still shows, answered, is marked after the reload.
  function renew(errors) {
    if (renewed) return false;
    save(RENEWED, { errors: errors });
    location.reload();
    return true;
  }

  // Why the server will not take answers (403): in the page's language where the code is known.
  function refusalText(body) {
    return (T.refusals && T.refusals[body.code]) || body.detail || T.invalid;
  }

  function refused(status, body) {
    if (status === 400 && body.errors && outdated(body.errors) && renew(body.errors)) return;
    if (nextButton) nextButton.hidden = true; // the answers are given back, not kept
    var active = document.activeElement;
    var lost = !active || active === document.body || active === statusNode || active === retryButton;
    lock(false);
    showStatus("", false);
    if (body.code === "device_used" && !cfg.sharedDevice) {
      answeredElsewhere(lost);
      return;
    }
    if (status === 400 && body.errors) {
      var name, fieldset, first = null;
      for (name in body.errors) {
        fieldset = document.getElementById("q-" + name.replace(/^answers\./, ""));
        if (fieldset) { markError(fieldset, T.field_error || body.errors[name][0]); first = first || fieldset; }
      }
      reminding = false;
      showBarAlert(T.invalid);
      if (first) reveal(first);
      return;
    }
    showBarAlert("");
    reminding = false;
    showAlert(refusalText(body));
    window.scrollTo(0, 0);
    if (lost) focusOn(document.getElementById("form-error"));
  }

  // The same link open in two tabs (or two WebViews of a chat app) shares one draft: each tab
  // takes in what the other saves, so that neither overwrites the other's answers with its own
  // older copy, and both keep one response id. Once the other tab's answers are stored, this one
  // says so instead of asking again.
  window.addEventListener("storage", function (event) {
    if (event.key === DRAFT && event.newValue && !form.classList.contains("locked") && !form.hidden) {
      var other;
      try { other = JSON.parse(event.newValue); } catch (e) { return; }
      if (!other || !other.values || !other.response_id) return;
      // Another response: the other tab went on to the next person, whose answers these are not.
      var another = other.response_id !== draft.response_id;
      if (another) blank();
      draft.values = other.values;
      draft.response_id = other.response_id;
      draft.started_at = another ? other.started_at : other.started_at || draft.started_at;
      form.elements.response_id.value = draft.response_id;
      restore();
      progress();
      showQueued(); // the answers now queued are the earlier person's
      if (reminding) remind(unanswered(), true);
    } else if (event.key === OUTBOX || event.key === REFUSED) {
      showQueued(); // another tab queued, sent or was refused answers: the count follows
    } else if (event.key === DONE && event.newValue && !cfg.sharedDevice && !form.hidden &&
               !pending(draft.response_id)) {
      finish(T.already_done);
    } else if (ANSWERED && event.key === ANSWERED && event.newValue && !cfg.sharedDevice && !form.hidden &&
               !pending(draft.response_id)) {
      answeredElsewhere(false); // answered in another tab, by another link of the survey
    }
  });
  if (retryButton) retryButton.addEventListener("click", function () { flush(); });
  if (dismissButton) {
    dismissButton.addEventListener("click", function () {
      store.removeItem(REFUSED);
      showQueued();
      focusOn(queuedNode.hidden ? form.querySelector("fieldset.q input") : queuedNode);
    });
  }

  // No answer given on screen, nothing marked: the next person's questionnaire (in this tab, or in
  // another tab of the same link whose interviewer went on to the next person).
  function blank() {
    var els = form.elements, i;
    for (i = 0; i < els.length; i++) {
      if (els[i].type === "radio") els[i].checked = false;
      else if (els[i].name === "comment") els[i].value = "";
    }
    for (i = 0; i < questions.length; i++) markError(questions[i], "");
    showBarAlert("");
    reminding = false;
  }

  // Phones shared: the next person answers a blank questionnaire with a response id of its own,
  // while answers already queued (kept in localStorage, not on this screen) go on being retried.
  // Without a reload: offline, without a service worker, a reload would show no page at all.
  function startNext() {
    store.removeItem(DRAFT);
    // Begun at the next person's first answer, not at this tap: an interviewer taps it after the
    // thanks and then walks to the next house, and the walk is no part of the answering time.
    draft = { values: {}, response_id: uuid(), started_at: null };
    form.elements.response_id.value = draft.response_id;
    save(DRAFT, draft);
    blank();
    lock(false);
    showStatus("", false);
    if (retryButton) retryButton.hidden = true;
    nextButton.hidden = true;
    showAlert("");
    var extras = document.querySelectorAll(".intro, .lang"), i;
    for (i = 0; i < extras.length; i++) extras[i].hidden = false;
    document.getElementById("done").hidden = true;
    form.hidden = false;
    bar.hidden = false;
    fitBar();
    progress();
    showQueued();
    window.scrollTo(0, 0);
    var first = form.querySelector("fieldset.q input");
    if (first) {
      try { first.focus({ preventScroll: true }); } catch (e) { /* focus is a courtesy */ }
    }
  }
  if (nextButton) {
    nextButton.addEventListener("click", function () { if (mayGoOn()) startNext(); });
    document.getElementById("next-after-done").addEventListener("click", startNext);
  }
  form.addEventListener("change", onInput);
  form.addEventListener("input", onInput);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return; // a double tap: the first one is already on its way
    var missing = unanswered(), i;
    for (i = 0; i < missing.length; i++) markError(missing[i], isItem(missing[i]) ? T.required : T.required_age);
    showAlert("");
    if (missing.length) {
      remind(missing);
      reveal(missing[0]);
      return;
    }
    showBarAlert("");
    reminding = false;
    // The submit button or a question has the focus (Enter), and is disabled now: the focus goes
    // to the status, which says what happens and is followed by 立即重试 when that shows.
    var focusInForm = form.contains(document.activeElement);
    enqueue(payload());
    lock(true);
    flush();
    if (focusInForm) focusOn(statusNode);
  });

  restore();
  bar.hidden = false;
  fitBar();
  window.addEventListener("resize", fitBar);
  progress();
  var renewed = load(RENEWED, false);
  store.removeItem(RENEWED);
  if (renewed) { // reloaded by renew(): the answers are back; say so and show what is missing
    showAlert(T.updated);
    var refusedBefore = renewed.errors || {}, name, fieldset;
    for (name in refusedBefore) {
      fieldset = document.getElementById("q-" + name.replace(/^answers\./, ""));
      if (fieldset && value(fieldset.getAttribute("data-name"))) {
        markError(fieldset, T.field_error || (refusedBefore[name] || [])[0] || T.invalid);
      }
    }
    var missing = unanswered(), m;
    for (m = 0; m < missing.length; m++) markError(missing[m], isItem(missing[m]) ? T.required : T.required_age);
    if (missing.length) remind(missing);
    else if (form.querySelector("fieldset.invalid")) showBarAlert(T.invalid);
    if (form.querySelector("fieldset.invalid")) reveal(form.querySelector("fieldset.invalid"));
  }
  if (pending(draft.response_id)) { // submitted before a reload and not yet acknowledged
    show(pending(draft.response_id).payload);
    progress();
    lock(true);
    showStatus(T.sending, false);
  }
  if (!cfg.sharedDevice && load(DONE, false) && !pending(draft.response_id)) {
    // One phone, one response: the server says so when it can be reached; a page kept by the
    // service worker and opened offline must not ask again either.
    finish(T.already_done);
  } else if (!cfg.sharedDevice && ANSWERED && load(ANSWERED, false) && !pending(draft.response_id)) {
    answeredElsewhere(false);
  }
  showQueued();
  flush(); // anything left from an earlier visit, for any invitation
  keepForOffline();
})();
