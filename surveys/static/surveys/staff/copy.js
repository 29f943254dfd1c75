// Copy buttons of the staff and evaluator pages: the invitation links' addresses (dashboard),
// the report's paragraph (evaluator page). A button
//   <button type="button" class="copy-button" hidden data-copy="ID"
//           data-copied="已复制" data-failed="请长按或选中…后复制" data-status="ID">复制</button>
// copies the value of the field with id data-copy (or the element's text), says the outcome on
// itself for two seconds and in the status element (a screen reader hears it there: a button
// named by its aria-label, as the dashboard's are, keeps that name). Shown by this script: without
// scripts, or a clipboard, the text stays selectable by hand.
(function copyButtons() {
  "use strict";
  function isField(el) { return "value" in el && typeof el.select === "function"; }
  function textOf(el) { return isField(el) ? el.value : el.textContent.replace(/\s+/g, " ").trim(); }
  function select(el) {
    if (isField(el)) {
      el.focus();
      el.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  // What browsers without the asynchronous clipboard (or outside HTTPS) still do.
  function fallback(el) {
    select(el);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  function said(button, ok) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = ok ? button.dataset.copied : button.dataset.failed;
    var status = button.dataset.status && document.getElementById(button.dataset.status);
    if (status) {
      status.textContent = "";
      setTimeout(function () { status.textContent = button.textContent; }, 50);
    }
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    if (isField(source)) source.addEventListener("focus", function () { source.select(); });
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = textOf(source);
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { said(button, true); },
          function () { said(button, fallback(source)); });
      } else {
        said(button, fallback(source));
      }
    });
  });
})();
