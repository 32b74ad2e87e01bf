"""A state change as a person sees it: in Chromium, from the click to the next frame with the card in
its new column (issue 15, narrow answers). Not in the default run (`--only browser`).

The embedded server with the board benchmark's 550 threads; one page of the board signed in as its
person. Rounds alternate: park then unpark the first Ready card the board shows, once with the
board's keys sent as board.js sends them (the answer is the changed parts) and once with the keys
removed from every request by the browser's request routing (the answer is the whole region, as
before). The clicks go through the card's own buttons and htmx; each round ends when the card is in
the wanted column and a frame has been drawn, then waits for the page's own live refresh to settle.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from bench.deploy import embedded, seed_board, sign_up
from bench.report import Figure
from bench.runner import Context
from tests.support.services import chromium_available

# Clicks a button of the card and resolves with the milliseconds until the card shows `state` and
# the next frame is drawn.
_CLICK = """
async ([id, action, state]) => {
  const card = () => document.getElementById("thread-" + id);
  const ready = () => {
    const form = card() && card().querySelector("form.actions__form");
    return form && form["htmx-internal-data"] && form["htmx-internal-data"].initHash;
  };
  // A live refresh may have just swapped the card in: wait until htmx has taken its form over.
  while (!ready()) await new Promise((r) => setTimeout(r, 5));
  const button = card().querySelector(`button[name=action][value=${action}]`);
  const started = performance.now();
  const done = new Promise((resolve) => {
    const check = () => {
      const now = card();
      if (now && now.dataset.state === state && now.closest(".column--" + state)) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started)));
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true });
  });
  button.click();
  return await done;
}
"""


def run(ctx: Context) -> list[Figure]:
    if not chromium_available():
        return [Figure("browser: park/unpark, click to frame (changed parts)", "ms", not_run="no Chromium")]
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS
    from tests.support.services import require_chromium

    rounds = 6 if ctx.quick else 30
    narrow: list[float] = []
    whole: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp, embedded(Path(tmp) / "server") as (server, env):
        person = sign_up(server, Path(tmp) / "server")
        seed_board(env, person.owner)
        keys = {"send": True}

        def route(route: Any) -> None:
            if keys["send"] or "x-board-shown" not in route.request.headers:
                route.continue_()
                return
            headers = {k: v for k, v in route.request.all_headers().items() if k != "x-board-shown"}
            route.continue_(headers=headers)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=server.url)
            context.add_cookies(
                [{"name": c.name, "value": c.value or "", "url": server.url} for c in person.client.jar]
            )
            page = context.new_page()
            page.route("**/*", route)
            page.goto("/")
            page.wait_for_selector("body[data-live=open]", timeout=20_000)
            card_id = re.findall(r'id="thread-([0-9a-f]+)" [^>]*data-state="ready"', page.content())[0]
            for i in range(rounds * 2 + 2):
                keys["send"] = i % 2 == 0
                for action, state in (("park", "parked"), ("unpark", "ready")):
                    ms = page.evaluate(_CLICK, [card_id, action, state])
                    if i >= 2:
                        (narrow if keys["send"] else whole).append(ms)
                    page.wait_for_timeout(600)  # the page's own live refresh lands before the next click
            browser.close()
    ctx.log(f"{len(narrow)} + {len(whole)} clicks")
    note = "Chromium, the 550-thread board, park/unpark of a shown card, click to the next frame with the card moved"
    return [
        Figure.of(
            "browser: park/unpark, click to frame (changed parts)",
            "ms",
            narrow,
            note=note + "; the board's keys sent",
        ),
        Figure.of(
            "browser: park/unpark, click to frame (whole region)",
            "ms",
            whole,
            note=note + "; the keys removed: the whole region comes back, as before issue 15 item 3",
        ),
    ]
