/* Parallel You: the fatigue clock in the header (vanilla JS over htmx).
 *
 * The server owns the clock (pace/_clock.html carries the focused seconds at its own `now`, whether
 * it moves, and the deadlines: budget reached, heads-up, break over). This keeps the numbers moving
 * between reads, computed from those instants, never by counting ticks (background tabs are
 * throttled). When a deadline passes, the tab reads the clock again: that read ends a break past
 * its deadline and announces the budget on the server, whose events (break.*, pace.*) make every
 * other tab read it too. Quantum events re-read it as well (the clock starts or stops moving).
 */
(function () {
  "use strict";

  var TICK_MS = 500;
  var ASK_AGAIN_MS = 2000;
  var skew = 0;
  var asked = {}; // deadline -> when this tab last asked the server about it
  var pending = null;

  function parse(iso) { return iso ? Date.parse(iso) : NaN; }
  function pad(n) { return String(n).padStart(2, "0"); }
  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }

  function slot() { return document.getElementById("pace-slot"); }

  function refresh() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      var s = slot();
      if (s && window.htmx) window.htmx.ajax("GET", s.dataset.url, { target: "#pace-slot", swap: "innerHTML" });
    }, 60);
  }

  function note(text) {
    var el = document.getElementById("pace-note");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
    if (text && "Notification" in window && Notification.permission === "granted") {
      try { new Notification("Parallel You", { body: text, tag: "pace" }); } catch (e) { /* needs a service worker */ }
    }
  }

  function tick() {
    var el = document.getElementById("pace-clock");
    if (!el) return;
    var now = Date.now() + skew;
    if (el.dataset.running === "1") {
      var focused = Number(el.dataset.focusedSeconds) + Math.max(0, now - parse(el.dataset.serverNow)) / 1000;
      var minutes = el.querySelector("[data-pace-minutes]");
      var text = String(Math.floor(focused / (Number(el.dataset.minuteSeconds) || 60)));
      if (minutes && minutes.textContent !== text) minutes.textContent = text;
      var bar = el.querySelector("progress");
      if (bar) bar.value = Math.min(focused, Number(el.dataset.budgetSeconds));
    }
    var countdown = el.querySelector("[data-pace-countdown]");
    if (countdown) {
      var left = format(parse(el.dataset.breakUntil) - now);
      if (countdown.textContent !== left) countdown.textContent = left;
    }
    ["reachedAt", "headsUpAt", "breakUntil"].forEach(function (key) {
      var at = parse(el.dataset[key]);
      if (isNaN(at) || now < at) return;
      var id = key + at;
      if (asked[id] && Date.now() - asked[id] < ASK_AGAIN_MS) return;
      asked[id] = Date.now();
      refresh();
    });
  }

  function refreshBreakControls() {
    // The timer page shows the break under the thread's controls: re-read them once it is over.
    document.querySelectorAll(".timer .timer-break").forEach(function (brk) {
      var timer = brk.closest(".timer");
      if (!timer || !timer.dataset.controlsUrl || !window.htmx || timer.closest("[data-live-region]")) return;
      window.htmx.ajax("GET", timer.dataset.controlsUrl, { target: "#" + timer.id, swap: "outerHTML" });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!event.detail.target || event.detail.target.id !== "pace-slot") return;
      var el = document.getElementById("pace-clock");
      if (el) {
        var measured = parse(el.dataset.serverNow) - Date.now();
        skew = Math.abs(measured) > 2000 ? measured : 0;
      }
      tick();
    });
    document.body.addEventListener("parallel-you:event", function (event) {
      var detail = event.detail || {};
      var topic = String(detail.topic || "");
      var payload = detail.payload || {};
      if (topic === "break.ended") {
        note("Break's over" + (payload.how === "taken" ? ": welcome back." : "."));
        refreshBreakControls();
      } else if (topic === "break.started") {
        note("");
        refreshBreakControls();
      } else if (topic === "pace.budget_reached") {
        note("A break is due: " + Math.floor(payload.focused_minutes || 0) + " focused minutes since your last one (your budget is " + payload.focus_budget + ").");
      } else if (topic === "pace.budget_nearly_reached") {
        note("Two minutes of focus left before a break is due.");
      } else if (topic.indexOf(".quantum_") === -1 && topic.indexOf("pace.") !== 0) {
        return;
      }
      refresh();
    });
    document.body.addEventListener("parallel-you:changed", function (event) {
      if (event.detail && event.detail.reason === "reconnected") refresh();
    });
    document.addEventListener("visibilitychange", tick);
    setInterval(tick, TICK_MS);
  });
})();
