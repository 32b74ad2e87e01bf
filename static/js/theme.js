/* Parallel You: light or dark. Loaded in <head> without defer so the chosen theme is set before the
 * first paint. With no choice stored the page follows the system (prefers-color-scheme in app.css);
 * the toggle ([data-theme-toggle]) stores "light" or "dark" in localStorage. */
(function () {
  "use strict";
  var KEY = "parallel-you-theme";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }

  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "light" || chosen === "dark") return chosen;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function label() {
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      var dark = current() === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      var icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = dark ? "☀" : "☾";
      var word = document.createElement("span");
      word.className = "theme-toggle__word";
      word.textContent = dark ? " Light mode" : " Dark mode";
      button.replaceChildren(icon, word);
      button.setAttribute("aria-label", dark ? "Light mode" : "Dark mode");
    });
  }

  var chosen = stored();
  if (chosen === "light" || chosen === "dark") root.setAttribute("data-theme", chosen);

  document.addEventListener("DOMContentLoaded", label);
  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    if (query.addEventListener) query.addEventListener("change", label);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = current() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try {
      window.localStorage.setItem(KEY, next);
    } catch (e) {
      /* private mode: the choice lasts for this page */
    }
    label();
  });
})();
