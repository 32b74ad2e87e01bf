/* Parallel You: live updates. The page's WebSocket (htmx ws extension) receives one element per
 * bus event; this turns it into DOM events that the pages listen to:
 *   parallel-you:event   detail {topic, id, eventId, payload}  — for every event
 *   parallel-you:changed detail {reason, topics}               — after a burst of events (topics: the
 *                                                                 burst's, so a region that declares
 *                                                                 data-live-topics can skip the
 *                                                                 others), and after every reconnect
 *                                                                 (topics null: everything re-fetches,
 *                                                                 the channel layer delivers at most once)
 * Live regions re-fetch themselves on parallel-you:changed (hx-trigger="parallel-you:changed from:body"). */
(function () {
  "use strict";
  var opened = 0;
  var pending = null;
  var burst = [];

  function status(text) {
    var el = document.getElementById("live-status");
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  // `topic`: the event's; none after a reconnect (anything may have changed meanwhile).
  function changed(reason, topic) {
    if (burst !== null) {
      if (topic) burst.push(topic);
      else burst = null;
    }
    clearTimeout(pending);
    pending = setTimeout(function () {
      var topics = burst;
      burst = [];
      document.body.dispatchEvent(new CustomEvent("parallel-you:changed", { detail: { reason: reason, topics: topics } }));
    }, 30);
  }

  document.addEventListener("htmx:wsOpen", function () {
    status("");
    document.body.dataset.live = "open";
    if (opened++ > 0) changed("reconnected");
  });

  document.addEventListener("htmx:wsClose", function (evt) {
    document.body.dataset.live = "closed";
    // 4401: the login session ended (logged out, password changed, expired); no reconnect follows.
    var code = evt.detail && evt.detail.event ? evt.detail.event.code : 0;
    if (code === 4401) {
      document.body.dataset.live = "ended";
      status("Your session has ended: log in again to see live updates.");
      return;
    }
    status("Live updates paused: reconnecting… Your changes are still saved.");
  });

  // The server saved a change but could not publish it yet (broker unreachable): say so. The held
  // events arrive over the socket when it is back, which clears the banner.
  document.body.addEventListener("parallel-you:live-paused", function () {
    status("Live updates paused: your changes are saved and will show everywhere when the connection is back.");
  });

  var seen = [];
  document.addEventListener("htmx:wsAfterMessage", function () {
    var el = document.getElementById("live-event");
    if (!el) return;
    var payload = {};
    try { payload = JSON.parse(el.dataset.payload || "{}"); } catch (e) { payload = {}; }
    var detail = { topic: el.dataset.topic, id: el.dataset.subject, eventId: el.dataset.eventId, payload: payload };
    // Delivery is at least once: a redelivered event is handled once.
    if (seen.indexOf(detail.eventId) !== -1) return;
    seen.push(detail.eventId);
    if (seen.length > 200) seen.shift();
    status("");
    document.body.dispatchEvent(new CustomEvent("parallel-you:event", { detail: detail }));
    changed(detail.topic, detail.topic);
  });
})();
