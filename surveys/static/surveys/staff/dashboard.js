// Refreshes the dashboard's numbers from GET /api/v1/surveys/SLUG/progress/ every few seconds.
// The server renders the page complete; this only rewrites numbers, bars and the two lists, so
// the page works (with reloads) without JavaScript too. The bar geometry follows
// surveys/dashboard/charts.py.
(function () {
  "use strict";
  // What the page writes itself, in its language (surveys/dashboard/views.py, js_texts).
  var textsScript = document.getElementById("dashboard-texts");
  var texts = textsScript ? JSON.parse(textsScript.textContent) : {};
  function say(key, chinese) { return texts[key] || chinese; }

(function refresh() {
  var root = document.getElementById("dashboard");
  if (!root || !window.fetch) return;
  var url = root.dataset.progressUrl;
  var every = (parseInt(root.dataset.pollSeconds, 10) || 10) * 1000;
  var zone = root.dataset.timeZone || "Asia/Shanghai";
  var flaggedAtLoad = null;
  var timer = null;
  var busy = false;
  // Fills a gettext text's %(name)s placeholders, as the server's template does.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) { return name in values ? values[name] : whole; });
  }
  // A number as the server's template writes a Python float: 100.0, 95.3, 1.25 (never "100").
  function pyFloat(value) {
    if (value === null || value === undefined) return value;
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }

  function $(id) { return document.getElementById(id); }
  function setText(id, value) { var el = $(id); if (el) el.textContent = value === null || value === undefined ? "—" : value; }

  function localTime(iso, withDate) {
    if (!iso) return "—";
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    var time = parts.hour + ":" + parts.minute;
    return withDate ? parts.year + "-" + parts.month + "-" + parts.day + " " + time : time + ":" + parts.second;
  }

  function setStatus(el, status) {
    el.classList.remove("st-behind", "st-met", "st-over", "st-none");
    el.classList.add("st-" + (status || "none"));
  }

  function updateCells(cells) {
    cells.forEach(function (cell) {
      var el = root.querySelector('[data-key="' + CSS.escape(cell.key) + '"]');
      if (!el) return;
      el.querySelector(".received").textContent = cell.received;
      var bar = el.querySelector(".bar > span");
      if (bar) bar.style.width = Math.min(cell.percent || 0, 100).toFixed(1) + "%";
      if (cell.target !== null) el.querySelector(".mark").textContent = cell.status_label;
      setStatus(el, cell.status);
    });
  }

  function updateMissing(missing, target) {
    var list = $("missing-list");
    list.textContent = "";
    list.hidden = !missing.length;
    // "All quotas met" is a sentence, not a list item; without any quota it would mislead.
    $("missing-none").hidden = !!missing.length || !target;
    $("missing-no-quota").hidden = !!target;
    missing.slice(0, 20).forEach(function (cell) {
      var li = document.createElement("li");
      var label = document.createElement("span");
      label.textContent = cell.label;
      var short = document.createElement("b");
      short.textContent = say("missing", "缺") + " " + cell.missing;
      var ratio = document.createElement("span");
      ratio.className = "muted";
      ratio.textContent = fill(say("ratio", "（%(received)s/%(target)s）"), { received: cell.received, target: cell.target });
      li.append(label, " ", short, " ", ratio);
      list.appendChild(li);
    });
  }

  function updateChart(days) {
    var svg = $("day-chart");
    var width = svg.viewBox.baseVal.width, height = svg.viewBox.baseVal.height;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!days.length) return;
    days = days.slice();
    while (days.length < 14) {  // charts.MIN_DAYS
      var before = new Date(days[0].date + "T00:00:00Z");
      before.setUTCDate(before.getUTCDate() - 1);
      days.unshift({ date: before.toISOString().slice(0, 10), count: 0 });
    }
    var top = Math.max.apply(null, days.map(function (d) { return d.count; })) || 1;
    var step = width / days.length, gap = Math.min(2, step / 4);
    days.forEach(function (d, i) {
      var h = height * d.count / top;
      var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("role", "listitem");
      rect.setAttribute("x", (i * step).toFixed(1));
      rect.setAttribute("y", (height - h).toFixed(1));
      rect.setAttribute("width", (step - gap).toFixed(1));
      rect.setAttribute("height", h.toFixed(1));
      var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = fill(say("day", "%(day)s：%(count)s"), { day: d.date, count: d.count });
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    setText("day-first", days[0].date);
    setText("day-last", days[days.length - 1].date);
    setText("day-max", Math.max.apply(null, days.map(function (d) { return d.count; })));
  }

  function update(data) {
    var t = data.totals, inv = data.invitations;
    setText("total-received", t.received);
    setText("total-target", t.target);
    setText("total-towards", t.towards_target);
    // As the template writes them ({{ percent|default:0 }}, {{ per|default:"—" }}): 100.0, 0, —.
    setText("total-percent", t.percent ? pyFloat(t.percent) : 0);
    setText("total-status", t.status_label);
    setText("total-responses", t.responses);
    setText("total-excluded", t.excluded);
    setText("total-flagged", t.flagged);
    $("total-bar").style.width = Math.min(t.percent || 0, 100).toFixed(1) + "%";
    setStatus($("totals"), t.status);
    setText("inv-issued", inv.issued);
    setText("inv-returned", inv.returned);
    setText("inv-per", inv.responses_per_invitation ? pyFloat(inv.responses_per_invitation) : null);
    setText("inv-without", inv.without_invitation);
    inv.rows.forEach(function (row) {
      var cell = root.querySelector('[data-token="' + CSS.escape(row.token) + '"]');
      if (cell) cell.textContent = row.responses;
    });
    setText("last-response", localTime(data.last_response_at, true));
    setText("refreshed", say("refreshed", "更新于") + " " + localTime(data.generated_at, false));
    updateCells(data.cells);
    updateMissing(data.missing, t.target);
    updateChart(data.per_day);
    setText("day-earlier", data.per_day_earlier);
    $("day-earlier-note").hidden = !data.per_day_earlier;
    setText("day-later", data.per_day_later);
    $("day-later-note").hidden = !data.per_day_later;
    if (flaggedAtLoad === null) flaggedAtLoad = parseInt($("total-flagged").dataset.atLoad || t.flagged, 10);
    $("new-flags").hidden = t.flagged === flaggedAtLoad;
  }

  function poll() {
    timer = null;
    if (busy) return;
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) {
          setText("expired", say("expired", "登录已过期，请刷新页面重新登录"));  // a live region
          return null;
        }
        return r.ok ? r.json() : Promise.reject(r.status);
      })
      .then(function (data) {
        busy = false;
        if (!data) return;
        update(data);
        schedule();
      })
      .catch(function () { busy = false; schedule(); });  // offline for a moment: try again next round
  }

  function schedule() {
    if (timer === null && !document.hidden) timer = setTimeout(poll, every);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null) poll();
  });
  $("total-flagged").dataset.atLoad = $("total-flagged").textContent;
  schedule();
})();

// The invitations table's copy buttons: the link's full address to the clipboard. Without
// scripts (or a clipboard) the address stays in a read-only field, selectable by hand.
(function copyButtons() {
  function copied(button, ok) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = ok ? say("copied", "已复制") : say("copy_failed", "请选中链接后复制");
    // The button keeps its name (复制 and the place): a screen reader hears the outcome here.
    var status = document.getElementById("copy-status");
    if (status) {
      status.textContent = "";
      setTimeout(function () { status.textContent = button.textContent; }, 50);
    }
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  function fallback(field) {
    field.focus();
    field.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.querySelectorAll(".copy").forEach(function (box) {
    var field = box.querySelector(".url"), button = box.querySelector(".copy-button");
    if (!field || !button) return;
    field.addEventListener("focus", function () { field.select(); });
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { copied(button, true); },
          function () { copied(button, fallback(field)); });
      } else {
        copied(button, fallback(field));
      }
    });
  });
})();
})();
