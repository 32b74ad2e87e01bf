// Sign-up: tell the server the browser's time zone (an IANA name such as "Europe/Berlin").
// The server checks the name against the zones it knows and uses UTC otherwise.
(function () {
  "use strict";
  function fill() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return;
    }
    document.querySelectorAll("input[data-browser-zone]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
})();
