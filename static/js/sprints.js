/* Parallel You: sprints behaviour (vanilla JS over htmx).
 *
 * - Forms inside [data-sprints] swap their 422 answers (the form with its messages) in place.
 * - The planning page gets drag and drop with SortableJS (loaded only there): backlog -> sprint
 *   adds, sprint -> backlog removes, within the sprint reorders. Every drop is a POST answered with
 *   the re-rendered planning fragment, so the server's order always wins. The buttons keep working
 *   without JavaScript or without SortableJS.
 * - The planning region is live (board.js re-fetches it on `parallel-you:changed`): it is held
 *   (data-hold) while a drag is under way or a field in it has focus, and released after, so a
 *   refresh never pulls the list from under a drag or a half-typed number; open <details> stay open.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.detail.elt;
    if (evt.detail.xhr.status === 422 && elt && elt.closest && elt.closest("[data-sprints]")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function post(planning, url, values) {
    values.band = planning.dataset.band || "";
    values.state = planning.dataset.state || "";
    planning.classList.add("is-saving");
    htmx.ajax("POST", url, {
      source: planning,
      target: planning,
      swap: "outerHTML",
      values: values,
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function hold(planning) {
    planning.setAttribute("data-hold", "");
  }

  function release(planning) {
    planning.removeAttribute("data-hold");
    planning.dispatchEvent(new CustomEvent("parallel-you:release", { bubbles: true }));
  }

  function typing(elt) {
    return elt && /^(INPUT|TEXTAREA)$/.test(elt.tagName) && elt.type !== "checkbox";
  }

  document.addEventListener("focusin", function (evt) {
    var planning = typing(evt.target) && evt.target.closest("[data-planning]");
    if (planning) hold(planning);
  });

  document.addEventListener("focusout", function (evt) {
    var planning = evt.target.closest && evt.target.closest("[data-planning]");
    if (!planning) return;
    // Focus may be moving to another field of the same region: decide once it has landed.
    setTimeout(function () {
      if (planning.isConnected && !(typing(document.activeElement) && planning.contains(document.activeElement))) {
        release(planning);
      }
    }, 0);
  });

  // Hold from the moment a drag may begin (SortableJS reports its start only after the pointer
  // has moved), and release on release if no drag started (its onEnd releases otherwise).
  document.addEventListener("pointerdown", function (evt) {
    var item = evt.target.closest && evt.target.closest("[data-planning] [data-id]");
    if (item && !evt.target.closest("button, input, select, a, label")) hold(item.closest("[data-planning]"));
  });
  document.addEventListener("pointerup", function () {
    setTimeout(function () {
      document.querySelectorAll("[data-planning][data-hold]").forEach(function (planning) {
        if (!planning.querySelector(".plan-item--chosen") && !planning.contains(document.activeElement)) release(planning);
      });
    }, 0);
  });

  // A refresh keeps the <details> a person opened (the capacity form) open.
  var openDetails = [];
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (target && target.matches && target.matches("[data-planning]")) {
      openDetails = Array.prototype.map.call(target.querySelectorAll("details[open][id]"), function (d) {
        return d.id;
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    openDetails.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) details.open = true;
    });
    openDetails = [];
  });

  function ids(list) {
    return Array.prototype.map.call(list.querySelectorAll(":scope > [data-id]"), function (li) {
      return li.dataset.id;
    });
  }

  function initPlanning(root) {
    if (typeof window.Sortable === "undefined" || !root.querySelector) return;
    var planning = root.matches && root.matches("[data-planning]") ? root : root.querySelector("[data-planning]");
    if (!planning) return;
    var sprintList = planning.querySelector("[data-list=sprint]");
    if (!sprintList) return;
    var common = {
      group: "sprint-plan",
      animation: 120,
      forceFallback: true,
      fallbackTolerance: 3,
      delay: 150,
      delayOnTouchOnly: true,
      filter: "button, input, select, a",
      preventOnFilter: false,
      ghostClass: "plan-item--ghost",
      chosenClass: "plan-item--chosen",
      onStart: function () {
        hold(planning);
      },
      onEnd: function () {
        release(planning);
      },
    };
    planning.querySelectorAll("[data-list=backlog]").forEach(function (list) {
      window.Sortable.create(
        list,
        Object.assign({}, common, {
          sort: false,
          onAdd: function (evt) {
            post(planning, evt.item.dataset.removeUrl, {});
          },
        })
      );
    });
    window.Sortable.create(
      sprintList,
      Object.assign({}, common, {
        onAdd: function (evt) {
          post(planning, planning.dataset.addUrl, { thread_id: evt.item.dataset.id, position: String(evt.newIndex) });
        },
        onUpdate: function () {
          post(planning, planning.dataset.reorderUrl, { order: ids(sprintList).join(",") });
        },
      })
    );
    planning.classList.add("is-sortable");
  }

  if (window.htmx) {
    htmx.onLoad(initPlanning);
  }
})();
