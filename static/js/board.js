/* Parallel You: board behaviour (vanilla JS over htmx).
 *
 * - swaps 422 answers (a form or region with the domain's message) like 200s;
 * - re-fetches every live region ([data-live-region]) when `parallel-you:changed` reaches body,
 *   and after a quantum is started or stopped from a card (the card changes column); never under
 *   an in-flight click, an open inline form, or a region held with data-hold;
 * - on the board, sends the keys of what the region shows (X-Board-Shown) with every change made
 *   in it and with its live refresh: the server answers with only the parts that differ, out of
 *   band (threads/board_keys.py), not the whole region;
 * - keeps keyboard focus on the same card across a region swap;
 * - opens confirmation <dialog>s swapped into #dialog-slot;
 * - keyboard shortcuts (listed in the ? overlay) that never fire while typing in a field;
 * - remembers closed saga lanes and the phone's state tab in cookies (the server renders them, so
 *   a live refresh keeps them); a lane opened again is re-fetched (a closed lane has no cards);
 * - closes a card's "More" menu on Esc or a click elsewhere.
 */
(function () {
  "use strict";

  if (window.htmx) {
    // htmx 2 leaves 4xx answers unswapped by default; ours carry the message to show in place.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      // The store is not answering or the change lost a race: the message goes to #live-status.
      { code: "409", swap: true },
      { code: "503", swap: true },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  var focusedId = null;
  // Requests sent from inside each live region, and regions whose refresh waits for them: a
  // refresh that replaced the region under an in-flight click would leave that click's answer
  // with nowhere to go (htmx resolves HX-Retarget from the now-detached form).
  var busy = {};
  var stale = {};

  // Never throw away what a person is typing: refresh once the inline form has gone. Another page's
  // script may hold its region too (data-hold, e.g. during a drag), then dispatch
  // `parallel-you:release` on it.
  function held(region) {
    // An open "More" menu holds it too: a refresh would close it under the person's pointer.
    return region.hasAttribute("data-hold") || Boolean(region.querySelector("[data-inline-form], [data-hold], details.menu[open]"));
  }

  function refresh(region) {
    if (!region || !window.htmx) return;
    if (held(region) || busy[region.id] > 0) {
      stale[region.id] = true;
      return;
    }
    delete stale[region.id];
    var url = region.dataset.refreshUrl || window.location.pathname + window.location.search;
    // Sent from the region itself: htmx keeps one request per source element and drops all but the
    // last queued one, so a shared source would lose refreshes when a page has several live regions.
    // The header lets busy-tracking below tell a refresh from a person's click.
    window.htmx.ajax("GET", url, { source: region, target: "#" + region.id, swap: "outerHTML", headers: REFRESH });
  }

  var REFRESH = { "X-Live-Refresh": "1" };

  function isRefresh(config) {
    return Boolean(config && config.headers && config.headers["X-Live-Refresh"]);
  }

  // What the board region shows, as the keys the server rendered into it (threads/board_keys.py).
  // A part holding an inline form (edit, block) is sent as changed, so the answer replaces it.
  function boardShown(region) {
    function key(elt, value) {
      return elt.querySelector("[data-inline-form]") ? "~" : value || "";
    }
    var now = region.querySelector("[data-now-key]");
    var lanes = [];
    region.querySelectorAll("[data-lane-key]").forEach(function (lane) {
      var keys = [lane.dataset.laneKey];
      var stats = lane.querySelector("[data-stats-key]");
      keys.push(stats ? stats.dataset.statsKey : "");
      lane.querySelectorAll("[data-col-key]").forEach(function (column) {
        keys.push(key(column, column.dataset.colKey));
      });
      lanes.push(keys.join("."));
    });
    return region.dataset.boardOrder + "|" + (now ? key(now, now.dataset.nowKey) : "") + "|" + lanes.join(",");
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var region = elt && elt.closest && elt.closest("[data-board-order]");
    if (!region) return;
    // A GET from inside the board (Show all, Edit, Block) wants what it names, not the changes.
    if (event.detail.verb === "get" && !isRefresh(event.detail)) return;
    event.detail.headers["X-Board-Shown"] = boardShown(region);
  });

  // Only the regions a burst of events concerns: a region may list the topic prefixes it shows
  // (data-live-topics="task. story."); without the list, or after a reconnect (no topics), any event.
  function concerns(region, topics) {
    var wanted = region.dataset.liveTopics;
    if (!wanted || !topics) return true;
    var prefixes = wanted.split(/\s+/).concat(["app."]);
    return topics.some(function (topic) {
      return prefixes.some(function (prefix) {
        return prefix && topic.indexOf(prefix) === 0;
      });
    });
  }

  function refreshAll(event) {
    var topics = event && event.detail ? event.detail.topics : null;
    document.querySelectorAll("[data-live-region]").forEach(function (region) {
      if (concerns(region, topics)) refresh(region);
    });
  }

  document.body.addEventListener("parallel-you:changed", refreshAll);
  document.body.addEventListener("parallel-you:release", function (event) {
    var region = event.target.closest && event.target.closest("[data-live-region]");
    if (region && stale[region.id]) refresh(region);
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var region = !isRefresh(event.detail.requestConfig) && elt.closest && elt.closest("[data-live-region]");
    if (!region) return;
    var id = region.id;
    busy[id] = (busy[id] || 0) + 1;
    // loadend comes after htmx has swapped the answer in.
    event.detail.xhr.addEventListener("loadend", function () {
      busy[id] -= 1;
      if (busy[id] === 0 && stale[id]) refresh(document.getElementById(id));
    });
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var config = event.detail.requestConfig;
    if (isRefresh(config) && (busy[target.id] > 0 || held(target))) {
      // A refresh answered while a click is on its way (its answer is newer) or while the region is
      // held: refresh after it.
      event.detail.shouldSwap = false;
      stale[target.id] = true;
    } else if (!target.isConnected) {
      var current = document.getElementById(target.id);
      if (current) event.detail.target = current;
      else event.detail.shouldSwap = false;
    }
  });

  function noteFocusedCard() {
    var card = document.activeElement && document.activeElement.closest && document.activeElement.closest("[data-thread-id]");
    if (card) focusedId = card.id;
  }
  // Focus inside an inline form (edit, block): the card it stands for gets the focus back when the
  // form is swapped out (Cancel, Esc, Save).
  var returnTo = null;
  document.body.addEventListener("htmx:beforeRequest", function () {
    focusedId = null;
    noteFocusedCard();
    var inline = document.activeElement && document.activeElement.closest && document.activeElement.closest("[data-inline-form]");
    if (inline && inline.dataset.threadFor) returnTo = "thread-" + inline.dataset.threadFor;
  });
  var opening = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var opener = event.detail.elt.closest && event.detail.elt.closest("[data-action=edit], [data-action=block]");
    var card = opener && opener.closest("[data-thread-id]");
    if (card) opening = opener.dataset.action + "-" + card.dataset.threadId;
  });
  // A live refresh may have been sent before a card took the focus (j/k): look again just before
  // the swap, so the focus survives it.
  document.body.addEventListener("htmx:beforeSwap", noteFocusedCard);

  // A quantum started or stopped from a card: the card belongs in another column now. The timer
  // form is swapped out with its controls, so note the region before the swap and refresh it
  // once the new controls are in (events on the detached form no longer reach body).
  var timerRegion = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    // A narrow answer (X-Board-Parts) has already moved the card: nothing to re-fetch.
    if (elt && elt.closest && elt.closest(".timer") && event.detail.xhr.status < 300 && !event.detail.xhr.getResponseHeader("X-Board-Parts")) {
      timerRegion = elt.closest("[data-live-region]");
    }
  });
  document.body.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (timerRegion && elt && elt.classList && elt.classList.contains("timer")) {
      var region = timerRegion;
      timerRegion = null;
      refresh(region);
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    document.querySelectorAll("[data-live-region][data-stale]").forEach(function (region) {
      if (!region.querySelector("[data-inline-form]")) refresh(region);
    });
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again && !document.activeElement.closest("form")) again.focus({ preventScroll: true });
      focusedId = null;
    }
    var target = event.detail.target;
    if (target && target.querySelectorAll) {
      target.querySelectorAll("dialog[data-open-on-load]").forEach(openDialog);
    }
    // An inline form just opened: put the focus in its first field, so typing edits and Esc cancels.
    var form = opening ? document.getElementById(opening) : null;
    opening = null;
    if (form && !form.contains(document.activeElement)) {
      var field = form.querySelector("input:not([type=hidden]):not([disabled]), textarea, select");
      if (field) field.focus();
    } else if (returnTo) {
      var card = document.getElementById(returnTo);
      if (card && !document.querySelector("[data-inline-form]")) {
        card.focus({ preventScroll: true });
        returnTo = null;
      }
    }
  });

  function openDialog(dialog) {
    if (dialog.open) return;
    dialog.addEventListener("close", function () {
      if (dialog.hasAttribute("data-open-on-load")) dialog.remove();
    });
    dialog.showModal();
  }

  function helpDialog() {
    return document.getElementById("help-dialog");
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-help-open]");
    if (opener && helpDialog()) {
      event.preventDefault();
      openDialog(helpDialog());
    }
  });

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("article[data-thread-id]"));
  }

  function move(card, step) {
    var all = cards();
    if (!all.length) return;
    var index = card ? all.indexOf(card) + step : step > 0 ? 0 : all.length - 1;
    var next = all[Math.max(0, Math.min(all.length - 1, index))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function clickIn(card, selector) {
    var control = card && card.querySelector(selector);
    if (control) control.click();
    return Boolean(control);
  }

  // "Block…": a search box over the form's list of threads (shown only with JS; without it the
  // list is all there is). A ticked thread stays ticked while hidden, so it is still sent.
  function showFilters(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-filter-list][hidden]").forEach(function (box) {
      box.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    showFilters(document);
  });
  document.body.addEventListener("htmx:load", function (event) {
    showFilters(event.detail.elt.parentNode || document);
  });
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-filter-list]");
    if (!box) return;
    var needle = event.target.value.trim().toLocaleLowerCase();
    var shown = 0;
    var choices = box.closest("form").querySelectorAll(".field--blocked_by .check");
    choices.forEach(function (choice) {
      var match = !needle || choice.textContent.toLocaleLowerCase().indexOf(needle) !== -1;
      choice.hidden = !match;
      if (match) shown += 1;
    });
    box.querySelector("[data-filter-count]").textContent = needle ? shown + " of " + choices.length + " shown" : "";
  });

  var YEAR = 365 * 24 * 3600;

  function setCookie(name, value) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + YEAR + "; SameSite=Lax";
  }

  function closedLanes() {
    var match = document.cookie.match(/(?:^|; )board_lanes_closed=([^;]*)/);
    return match ? decodeURIComponent(match[1]).split(".").filter(Boolean) : [];
  }

  // <details> "toggle" does not bubble: listen in the capture phase.
  document.addEventListener(
    "toggle",
    function (event) {
      var lane = event.target;
      if (lane.matches && lane.matches("details.menu") && !lane.open) {
        lane.dispatchEvent(new CustomEvent("parallel-you:release", { bubbles: true }));
        return;
      }
      if (!lane.matches || !lane.matches("details[data-lane]")) return;
      var key = lane.dataset.lane;
      var closed = closedLanes().filter(function (k) {
        return k !== key;
      });
      if (!lane.open) closed.push(key);
      setCookie("board_lanes_closed", closed.join("."));
      if (lane.open && !lane.querySelector(".lane__body")) refresh(lane.closest("[data-live-region]"));
    },
    true
  );

  document.addEventListener("click", function (event) {
    var tab = event.target.closest && event.target.closest(".tab[data-tab]");
    if (tab) {
      event.preventDefault();
      var region = tab.closest("[data-live-region]");
      setCookie("board_tab", tab.dataset.tab);
      region.dataset.tab = tab.dataset.tab;
      region.querySelectorAll(".tab[data-tab]").forEach(function (other) {
        if (other === tab) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      return;
    }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details.menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (event.key === "Escape") {
      var inline = target.closest && target.closest("[data-inline-form]");
      if (inline && clickIn(inline, "[data-cancel]")) event.preventDefault();
      return;
    }
    if (typing(target) || document.querySelector("dialog[open]")) return;
    var card = target.closest && target.closest("article[data-thread-id]");
    var handled = true;
    switch (event.key) {
      case "n": {
        var title = document.getElementById("new-title");
        if (title) title.focus();
        else window.location.href = "/threads/new/";
        break;
      }
      case "/": {
        var filter = document.getElementById("filter-text");
        if (filter) filter.focus();
        else handled = false;
        break;
      }
      case "?":
        if (helpDialog()) openDialog(helpDialog());
        break;
      case "s": {
        // Start a Ready card; on a running one open "Stop…" (it asks how it went) at its first answer.
        var stop = card && card.querySelector(".timer-running:not([hidden]) details.timer-stop");
        if (stop) {
          stop.open = true;
          var answer = stop.querySelector("button");
          if (answer) answer.focus();
        } else {
          handled = clickIn(card, ".timer form[action$='/start/'] button[type=submit]");
        }
        break;
      }
      case "e":
        handled = clickIn(card, "[data-action=edit]");
        break;
      case "j":
        move(card, 1);
        break;
      case "k":
        move(card, -1);
        break;
      case "Enter":
        handled = target === card && clickIn(card, ".thread-card__title a");
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
