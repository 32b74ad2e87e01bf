/* Parallel You: sprints behaviour (vanilla JS over htmx).
 *
 * - Forms inside [data-sprints] swap their 422 answers (the form with its messages) in place.
 * - The planning page gets drag and drop with SortableJS (loaded only there): backlog -> sprint
 *   adds, sprint -> backlog removes, within the sprint reorders. Every drop is a POST answered with
 *   the re-rendered planning fragment, so the server's order always wins. The buttons keep working
 *   without JavaScript or without SortableJS.
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
