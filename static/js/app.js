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

/* Skip logic of the member form: questions that apply only from an age (data-ask-from / data-ask-to) are
   shown or hidden as the date of birth or the age is typed. The server applies the same rules on save. */
(function () {
  "use strict";
  var DIGITS = { "۰": 0, "۱": 1, "۲": 2, "۳": 3, "۴": 4, "۵": 5, "۶": 6, "۷": 7, "۸": 8, "۹": 9 };
  function latin(text) { return String(text).replace(/[۰-۹]/g, function (d) { return DIGITS[d]; }); }
  function ageOf(form) {
    var dob = form.querySelector("[name=dob]"), age = form.querySelector("[name=age_years]");
    if (dob && dob.value) {
      var parts = latin(dob.value).split("-");
      if (parts.length === 3) {
        var now = new Date(), y = +parts[0], m = +parts[1], d = +parts[2];
        var years = now.getFullYear() - y;
        if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) { years -= 1; }
        if (!isNaN(years)) { return years; }
      }
    }
    if (age && age.value) { var n = parseInt(latin(age.value), 10); if (!isNaN(n)) { return n; } }
    return null;
  }
  function apply(form) {
    var years = ageOf(form);
    form.querySelectorAll("[data-ask-from]").forEach(function (el) {
      var from = +el.getAttribute("data-ask-from"), to = el.hasAttribute("data-ask-to") ? +el.getAttribute("data-ask-to") : 999;
      el.hidden = years === null ? el.getAttribute("data-ask-unknown") !== "true" : (years < from || years > to);
    });
  }
  document.addEventListener("input", function (e) {
    if (e.target.name === "dob" || e.target.name === "age_years") { apply(e.target.form); }
  });
})();
