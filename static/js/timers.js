/* Parallel You: timers behaviour (vanilla JS over htmx).
 *
 * Every countdown is computed from the server's absolute deadline (data-deadline), never by
 * counting ticks, so it is right after a reload, in a background tab and on a second device.
 * Each tab arms its own alert at the deadline; the server's `<kind>.quantum_expired` event
 * (dispatched by live.js as `parallel-you:event`) confirms it, and covers background tabs that
 * Chrome throttles. Both paths dedupe by run id.
 */
(function () {
  "use strict";

  var TICK_MS = 250;
  var SKEW_THRESHOLD_MS = 2000;
  var baseTitle = document.title;
  var skew = 0; // server clock minus this device's clock, when they differ noticeably
  var alerted = {}; // run id -> true: alert shown in this tab
  var audio = null;

  function parse(iso) { return iso ? Date.parse(iso) : NaN; }
  function now() { return Date.now() + skew; }
  function pad(n) { return String(n).padStart(2, "0"); }

  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(sec);
  }

  function readSkew(root) {
    var el = (root && root.querySelector) ? root.querySelector("[data-server-now]") : null;
    if (root && root.matches && root.matches("[data-server-now]")) el = root;
    if (!el || el.dataset.skewRead) return;
    el.dataset.skewRead = "1";
    var measured = parse(el.dataset.serverNow) - Date.now();
    // Small differences are the response's own latency; only a real clock offset is corrected.
    skew = Math.abs(measured) > SKEW_THRESHOLD_MS ? measured : 0;
  }

  /* --- preferences: notifications (asked from a click) and sound ------------------------------ */
  function soundOn() { return localStorage.getItem("parallel-you:sound") === "1"; }

  function ensureAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function beep() {
    if (!soundOn()) return;
    var ctx = ensureAudio();
    if (!ctx) return;
    [0, 0.35].forEach(function (offset) {
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 660;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + offset + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.32);
    });
  }

  function notify(title, runId) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      // The tag makes every tab's notification for one run replace, not repeat, the others.
      new Notification("Time's up", { body: title, tag: "quantum-" + runId });
    } catch (e) { /* some browsers only allow notifications from a service worker */ }
  }

  function addPreferences() {
    var bar = document.querySelector(".topbar .account");
    if (!bar || document.getElementById("timer-prefs")) return;
    var prefs = document.createElement("div");
    prefs.id = "timer-prefs";
    prefs.className = "timer-prefs";
    if ("Notification" in window && Notification.permission === "default") {
      var ask = document.createElement("button");
      ask.type = "button";
      ask.className = "link";
      ask.textContent = "Notify me when time's up";
      ask.addEventListener("click", function () {
        Notification.requestPermission().then(function () { ask.remove(); });
      });
      prefs.appendChild(ask);
    }
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = soundOn();
    box.addEventListener("change", function () {
      localStorage.setItem("parallel-you:sound", box.checked ? "1" : "0");
      if (box.checked) { ensureAudio(); beep(); }
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" Sound"));
    prefs.appendChild(label);
    bar.prepend(prefs);
  }

  /* --- the in-page alert ------------------------------------------------------------------------ */
  function alertRegion() {
    var region = document.getElementById("timer-alert");
    if (!region) {
      region = document.createElement("div");
      region.id = "timer-alert";
      region.className = "timer-alert";
      region.setAttribute("role", "alert");
      region.hidden = true;
      document.body.appendChild(region);
      region.addEventListener("htmx:afterRequest", function (event) {
        if (event.detail.successful) dismiss();
      });
      region.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") return;
        event.preventDefault();
        event.stopPropagation();
        dismiss();
      });
    }
    return region;
  }

  function dismiss(threadId) {
    var region = document.getElementById("timer-alert");
    if (!region || region.hidden) return;
    if (threadId && region.dataset.threadId !== threadId) return;
    var hadFocus = region.contains(document.activeElement);
    region.hidden = true;
    region.replaceChildren();
    document.title = baseTitle;
    // Give the focus back to where it was when the alert took it (if that is still on the page).
    // By id: a live refresh may have replaced that element meanwhile; else the thread's card.
    var back = (region._returnId && document.getElementById(region._returnId)) || document.getElementById("thread-" + region.dataset.threadId);
    region._returnId = null;
    if (hadFocus && back) back.focus({ preventScroll: true });
  }

  function showAlert(threadId, runId, title) {
    if (alerted[runId]) return;
    alerted[runId] = true;
    var region = alertRegion();
    region.replaceChildren();
    region.dataset.threadId = threadId;
    region.dataset.runId = runId;
    region.dataset.shownAt = String(Date.now());
    var heading = document.createElement("p");
    heading.className = "timer-alert__title";
    heading.textContent = "Time's up on “" + title + "”. What next?";
    region.appendChild(heading);
    var timer = document.getElementById("timer-" + threadId);
    var actions = timer && timer.querySelector(".timer-expired");
    if (actions) {
      var copy = actions.cloneNode(true);
      copy.hidden = false;
      copy.removeAttribute("role");
      var strong = copy.querySelector(".timer-expired__title");
      if (strong) strong.remove();
      region.appendChild(copy);
      if (window.htmx) window.htmx.process(copy);
    } else {
      var link = document.createElement("a");
      link.href = "/timers/" + encodeURIComponent(threadId) + "/";
      link.className = "btn btn--small btn--primary";
      link.textContent = "Choose what's next";
      region.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn--small timer-alert__close";
    close.textContent = "Dismiss";
    close.addEventListener("click", function () { dismiss(); });
    region.appendChild(close);
    region.hidden = false;
    // The alert takes the focus (on its first choice) so the keyboard can answer it at once; Esc
    // dismisses it (keydown below) and the focus goes back.
    if (!region.contains(document.activeElement)) region._returnId = document.activeElement && document.activeElement.id;
    var first = region.querySelector("button, a[href]");
    if (first) first.focus({ preventScroll: true });
    notify(title, runId);
    beep();
  }

  function markExpired(countdown) {
    countdown.classList.add("countdown--expired");
    countdown.dataset.expired = "1";
    var timer = countdown.closest(".timer");
    if (!timer) return;
    var running = timer.querySelector(".timer-running"), expired = timer.querySelector(".timer-expired");
    if (running) running.hidden = true;
    if (expired) expired.hidden = false;
  }

  /* --- the tick: recompute everything from the deadlines ----------------------------------------- */
  function tick() {
    var title = null;
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var deadline = parse(el.dataset.deadline), pausedAt = parse(el.dataset.pausedAt);
      var paused = !isNaN(pausedAt);
      var remaining = paused ? deadline - pausedAt : deadline - now();
      var text = format(remaining);
      if (el.textContent !== text) el.textContent = text;
      if (paused) return;
      var timer = el.closest(".timer");
      if (remaining <= 0) {
        if (!el.dataset.expired || !alerted[el.dataset.runId]) {
          markExpired(el);
          if (timer) showAlert(timer.dataset.threadId, el.dataset.runId, el.dataset.title);
        }
        title = "⏰ Time's up · " + el.dataset.title;
      } else if (!title) {
        title = text + " · " + el.dataset.title;
      }
    });
    document.querySelectorAll(".break-countdown[data-break-until]").forEach(function (el) {
      var left = parse(el.dataset.breakUntil) - now();
      var text = left > 0 ? format(left) : "over";
      if (el.textContent !== text) el.textContent = text;
      if (left > 0 && !title) title = "Break " + text;
    });
    var wanted = title || baseTitle;
    if (document.title !== wanted) document.title = wanted;
  }

  /* --- server events (live.js): confirmation, background tabs, other devices ---------------------- */
  function refreshControls(threadId) {
    var timer = document.getElementById("timer-" + threadId);
    if (!timer || !window.htmx || !timer.dataset.controlsUrl) return;
    // A live region (a board card, the detail page) re-renders itself, controls included.
    if (timer.closest("[data-live-region]")) return;
    window.htmx.ajax("GET", timer.dataset.controlsUrl, { target: "#timer-" + threadId, swap: "outerHTML" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    baseTitle = document.title;
    readSkew(document);
    addPreferences();
    tick();
    setInterval(tick, TICK_MS);
    document.addEventListener("visibilitychange", tick);
    document.body.addEventListener("htmx:load", function (event) { readSkew(event.detail.elt); tick(); });
    document.body.addEventListener("parallel-you:event", function (event) {
      var detail = event.detail || {};
      var verb = String(detail.topic || "").split(".")[1] || "";
      if (verb.indexOf("quantum_") !== 0) return;
      var thread = detail.payload || {};
      if (verb === "quantum_expired" && thread.run) {
        var el = document.querySelector('.countdown[data-run-id="' + thread.run.id + '"]');
        if (el) markExpired(el);
        showAlert(detail.id, thread.run.id, thread.title || "your quantum");
        return;
      }
      if (verb !== "quantum_paused") dismiss(detail.id);
      refreshControls(detail.id);
    });
  });
})();
