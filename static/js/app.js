/* PSER portal: the little behaviour htmx leaves to us. No eval, no inline handlers (CSP). */
(function () {
  "use strict";
  var banner = function () { return document.getElementById("connection"); };
  var waiting = null;  // the form whose save did not reach the server
  var retryTimer = null;

  function show(b) { var el = banner(); if (el) { el.hidden = !b; } }

  // A request that never reached the server: the form keeps what was typed; say so and retry later.
  // The retry carries the same one-time key, so the server applies it once however often it arrives.
  function offline(e) {
    show(true);
    var form = e.detail && e.detail.elt && e.detail.elt.closest ? e.detail.elt.closest("form[data-keep-offline]") : null;
    if (form) {
      waiting = form;
      if (!retryTimer) { retryTimer = window.setInterval(retry, 10000); }
    }
  }
  function retry() {
    if (!waiting || navigator.onLine === false) { return; }
    var form = waiting;
    waiting = null;
    window.htmx.trigger(form, "submit");
  }
  document.addEventListener("htmx:sendError", offline);
  document.addEventListener("htmx:timeout", offline);
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail && e.detail.xhr && e.detail.xhr.status) {
      show(false);
      if (!waiting && retryTimer) { window.clearInterval(retryTimer); retryTimer = null; }
    }
  });
  window.addEventListener("online", function () { retry(); });

  // After a form comes back with errors, put the keyboard and screen reader on the first one.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (!target || !target.querySelector) { return; }
    var invalid = target.querySelector("[aria-invalid=true]");
    if (invalid && target.tagName === "FORM") { invalid.focus(); }
  });

  // "Use my location": the phone's position into the questionnaire's GPS fields.
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-gps]") : null;
    if (!button || !navigator.geolocation) { return; }
    var form = button.closest("form");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=gps_lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[name=gps_lon]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[name=gps_accuracy_m]").value = Math.round(pos.coords.accuracy);
    }, function () { button.setAttribute("aria-invalid", "true"); }, { enableHighAccuracy: true, timeout: 20000 });
  });
})();
