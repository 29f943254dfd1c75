// Refreshes the dashboard's numbers from GET /api/v1/surveys/SLUG/progress/ every few seconds.
// The server renders the page complete; this only rewrites numbers, bars and the two lists, so
// the page works (with reloads) without JavaScript too. The bar geometry follows
// surveys/dashboard/charts.py. Only what changed is written (a screen reader reading the missing
// list or the chart is not sent back to its start, no live region speaks again), nothing takes
// the keyboard focus, and the pause button stops it all (WCAG 2.2.2), for this tab's session.
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
  var atLoad = null;  // the review list's counts when the page was served: {flagged, excluded}
  var timer = null;
  var busy = false;
  var toggle = $("refresh-toggle");
  var pausedKey = "manyidu:dashboard-paused:" + location.pathname;
  var paused = remembered();
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
  // Each write only when it changes something: the same text written again is a change to a
  // live region (read out again) and moves a screen reader reading there back to its start.
  function write(el, text) {
    text = String(text);
    if (el && el.textContent !== text) el.textContent = text;
  }
  function setText(id, value) { write($(id), value === null || value === undefined ? "—" : value); }
  function setHidden(el, hidden) { if (el.hidden !== hidden) el.hidden = hidden; }
  function setWidth(el, percent) {
    var width = Math.min(percent || 0, 100).toFixed(1) + "%";
    if (el.style.width !== width) el.style.width = width;
  }
  // A list's items (or a chart's bars) replaced only when what they say differs.
  function replaceIfChanged(parent, children, says) {
    var now = Array.prototype.map.call(parent.children, says).join("\n");
    if (now !== children.map(says).join("\n")) parent.replaceChildren.apply(parent, children);
  }
  function words(el) { return el.textContent.replace(/\s+/g, " ").trim(); }

  function remembered() {
    try { return sessionStorage.getItem(pausedKey) === "1"; } catch (e) { return false; }
  }
  function remember(value) {
    try {
      if (value) sessionStorage.setItem(pausedKey, "1"); else sessionStorage.removeItem(pausedKey);
    } catch (e) { /* storage refused (private mode): paused for this page only */ }
  }

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
    var wanted = "st-" + (status || "none");
    ["st-behind", "st-met", "st-over", "st-none"].forEach(function (name) {
      if (name !== wanted && el.classList.contains(name)) el.classList.remove(name);
    });
    if (!el.classList.contains(wanted)) el.classList.add(wanted);
  }

  // A cell the tables do not have yet (the first response of a combination without a quota, or
  // without an age band) is not drawn in: a note says the tables are behind, as for the list to
  // review, rather than the total rising while no cell does.
  function updateCells(cells) {
    var unseen = 0;
    cells.forEach(function (cell) {
      var el = root.querySelector('[data-key="' + CSS.escape(cell.key) + '"]');
      if (!el) { if (cell.received) unseen++; return; }
      write(el.querySelector(".received"), cell.received);
      var bar = el.querySelector(".bar > span");
      if (bar) setWidth(bar, cell.bar_percent); // the server's rule (Cell.bar_percent), as on first load
      if (cell.target !== null) write(el.querySelector(".mark"), cell.status_label);
      setStatus(el, cell.status);
    });
    setHidden($("cells-new"), !unseen);
  }

  function updateMissing(missing, target, stillNeeded) {
    var list = $("missing-list");
    setText("missing-total-count", stillNeeded);
    setHidden($("missing-total"), !missing.length);
    var shown = parseInt(root.dataset.missingShown, 10) || 20;  // views.MISSING_SHOWN
    // The cells behind the list leaves out are counted beneath it (the tables show them all).
    setText("missing-more-count", Math.max(missing.length - shown, 0));
    setHidden($("missing-more"), missing.length <= shown);
    missing = missing.slice(0, shown);
    setHidden(list, !missing.length);
    // "All quotas met" is a sentence, not a list item; without any quota it would mislead.
    setHidden($("missing-none"), !!missing.length || !target);
    setHidden($("missing-no-quota"), !!target);
    replaceIfChanged(list, missing.map(function (cell) {
      var li = document.createElement("li");
      var label = document.createElement("span");
      label.textContent = cell.label;
      var short = document.createElement("b");
      short.textContent = say("missing", "缺") + " " + cell.missing;
      var ratio = document.createElement("span");
      ratio.className = "muted";
      ratio.textContent = fill(say("ratio", "（%(received)s/%(target)s）"), { received: cell.received, target: cell.target });
      li.append(label, " ", short, " ", ratio);
      return li;
    }), words);
  }

  function updateChart(days) {
    var svg = $("day-chart");
    var width = svg.viewBox.baseVal.width, height = svg.viewBox.baseVal.height;
    if (!days.length) {
      replaceIfChanged(svg, [], words);
      return;
    }
    days = days.slice();
    while (days.length < 14) {  // charts.MIN_DAYS
      var before = new Date(days[0].date + "T00:00:00Z");
      before.setUTCDate(before.getUTCDate() - 1);
      days.unshift({ date: before.toISOString().slice(0, 10), count: 0 });
    }
    var top = Math.max.apply(null, days.map(function (d) { return d.count; })) || 1;
    var step = width / days.length, gap = Math.min(2, step / 4);
    // A bar's title says its day and count; with the same titles the bars are drawn the same.
    replaceIfChanged(svg, days.map(function (d, i) {
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
      return rect;
    }), words);
    setText("day-first", days[0].date);
    setText("day-last", days[days.length - 1].date);
    setText("day-max", Math.max.apply(null, days.map(function (d) { return d.count; })));
  }

  // {{ part|percent_of:whole }} (surveys/templatetags/localized_names.py): whole percent rounded
  // half up, "<1%" for a share that rounds to none, ">99%" for one short of all that rounds to all.
  function percentOf(part, whole) {
    if (!whole) return "—";
    var share = 100 * part / whole;
    if (share > 0 && share < 0.5) return "<1%";
    if (share >= 99.5 && share < 100) return ">99%";
    return Math.round(share) + "%";
  }
  // A count's text in the page's language: English has "1 response" and "2 responses".
  function counted(key, n, chinese) {
    return fill(say(key + (n === 1 ? "_one" : "_other"), chinese), { n: n });
  }
  function link(href, children) {
    var a = document.createElement("a");
    a.setAttribute("href", href);
    a.append.apply(a, children);
    return a;
  }

  // The data-quality card: the kinds of flag and the places where the flagged responses gather,
  // as the server draws them (each link narrows the list to review).
  function updateFlags(flags) {
    var kinds = $("flag-kinds"), places = $("flagged-places");
    if (!kinds || !places) return;
    setHidden(kinds, !flags.kinds.length);
    replaceIfChanged(kinds, flags.kinds.map(function (kind) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "flag flag-" + kind.code;
      name.textContent = kind.label;
      li.append(link("?flag=" + encodeURIComponent(kind.code) + "#review", [name]), " ", counted("responses", kind.count, "%(n)s 份"));
      return li;
    }), words);
    var shown = parseInt(places.dataset.shown, 10) || 5;  // views.FLAGGED_PLACES_SHOWN
    setHidden(places, !flags.places.length);
    setText("flagged-all", fill(say("flagged_all", "全部 %(flagged)s / %(responses)s 份（%(share)s）有标记。一处的比例远高于此，值得回访核实。"), {
      flagged: flags.flagged, responses: flags.responses, share: percentOf(flags.flagged, flags.responses)
    }));
    replaceIfChanged($("flagged-places-list"), flags.places.slice(0, shown).map(function (place) {
      var li = document.createElement("li");
      var where = (place.village ? "village=" + encodeURIComponent(place.village) + "&" : "") + "group=" + encodeURIComponent(place.group);
      var name = (place.village ? place.village_name + " · " : "") + place.group_name;
      li.append(link("?" + where + "#review", [name]), " ", fill(say("place_ratio", "%(flagged)s / %(responses)s（%(share)s）"), {
        flagged: place.flagged, responses: place.responses, share: percentOf(place.flagged, place.responses)
      }));
      return li;
    }), function (el) { return el.innerHTML; });
    setHidden($("flagged-places-more"), flags.places.length <= shown);
    setText("flagged-places-more", counted("places", flags.places.length, "共 %(n)s 处有标记，可在待审核答卷中按村（社区）和群体筛选。"));
  }

  function update(data) {
    var t = data.totals, inv = data.invitations;
    if (paused) return;  // a reply that was on its way when the refresh was paused
    setText("total-received", t.received);
    setText("total-target", t.target);
    setText("total-towards", t.towards_target);
    // As the template writes them ({{ percent|default:0 }}, {{ per|default:"—" }}): 100.0, 0, —.
    setText("total-percent", t.percent ? pyFloat(t.percent) : 0);
    setText("total-status", t.status_label);
    setText("total-responses", t.responses);
    setText("total-excluded", t.excluded);
    setText("total-flagged", t.flagged);
    setWidth($("total-bar"), t.percent);
    setStatus($("totals"), t.status);
    setText("inv-issued", inv.issued);
    setText("inv-returned", inv.returned);
    setText("inv-per", inv.responses_per_invitation ? pyFloat(inv.responses_per_invitation) : null);
    setText("inv-without", inv.without_invitation);
    inv.rows.forEach(function (row) {
      var cell = root.querySelector('[data-token="' + CSS.escape(row.token) + '"]');
      write(cell, row.responses);
    });
    setText("last-response", localTime(data.last_response_at, true));
    setText("refreshed", say("refreshed", "更新于") + " " + localTime(data.generated_at, false));
    updateCells(data.cells);
    updateMissing(data.missing, t.target, t.target - t.towards_target);
    updateChart(data.per_day);
    if (data.flags) updateFlags(data.flags);
    setText("day-earlier", data.per_day_earlier);
    setHidden($("day-earlier-note"), !data.per_day_earlier);
    setText("day-later", data.per_day_later);
    setHidden($("day-later-note"), !data.per_day_later);
    // The list to review is not rewritten (its fields may be half typed in): a note says it
    // changed, for new flagged responses or for a decision made elsewhere (another reviewer).
    var flagged = t.flagged !== atLoad.flagged, decided = t.excluded !== atLoad.excluded;
    setHidden($("review-changed"), !flagged && !decided);
    if (flagged || decided) {
      setHidden($("review-new-flags"), !flagged);
      setHidden($("review-decided"), flagged);
    }
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
        if (!data || paused) return;
        update(data);
        schedule();
      })
      .catch(function () { busy = false; schedule(); });  // offline for a moment: try again next round
  }

  function schedule() {
    if (timer === null && !document.hidden && !paused) timer = setTimeout(poll, every);
  }

  // The pause button: its name stays 暂停自动刷新 and aria-pressed says whether it is paused
  // (a toggle's name that changed as well would be heard as "继续…, pressed"); the line beside
  // it says the state, politely read out when it changes.
  var stateTimer = null;
  function showPaused(announce) {
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    clearTimeout(stateTimer);
    write($("refresh-state"), paused ? say("paused", "自动刷新已暂停") : announce ? say("resumed", "自动刷新已恢复") : "");
    // "Resumed" is news once; the time beside it then says the page is current.
    if (!paused && announce) stateTimer = setTimeout(function () { write($("refresh-state"), ""); }, 5000);
  }
  if (toggle) {
    toggle.hidden = false;
    showPaused(false);
    toggle.addEventListener("click", function () {
      paused = !paused;
      remember(paused);
      showPaused(true);
      if (paused) {
        clearTimeout(timer);
        timer = null;
      } else if (!busy) {
        poll();  // at once: what the page shows may be long out of date
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null && !paused) poll();
  });
  atLoad = {
    flagged: parseInt($("total-flagged").textContent, 10),
    excluded: parseInt($("total-excluded").textContent, 10)
  };
  schedule();
})();
})();
