/* PSER portal: the little behaviour htmx leaves to us. No eval, no inline handlers (CSP). */
(function () {
  "use strict";
  var banner = function () { return document.getElementById("connection"); };

  // A request that never reached the server: keep the page as it is and say so.
  function offline() { var b = banner(); if (b) { b.hidden = false; } }
  function online() { var b = banner(); if (b) { b.hidden = true; } }
  document.addEventListener("htmx:sendError", offline);
  document.addEventListener("htmx:timeout", offline);
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail && e.detail.xhr && e.detail.xhr.status) { online(); }
  });
  window.addEventListener("online", online);

  // After a form comes back with errors, put the keyboard and screen reader on the first one.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (!target || !target.querySelector) { return; }
    var invalid = target.querySelector("[aria-invalid=true]");
    if (invalid && target.tagName === "FORM") { invalid.focus(); }
  });
})();
