"""The HTTP side: one httpx client, and every failure turned into a message a person can act on."""

from __future__ import annotations

from typing import Any

import httpx

from parallel_you_cli.config import Config

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
UNREACHABLE = 7  # exit status when the server can't be reached
PAGE = 500


class CliError(Exception):
    """Printed as is (no traceback); `code` is the process's exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _explain(response: httpx.Response) -> CliError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = body.get("message") if isinstance(body, dict) else None
    details = body.get("details") if isinstance(body, dict) else None
    if response.status_code == 401:
        return CliError("The server refused the token: run `parallel-you login` with a valid one.", 3)
    if response.status_code == 404:
        return CliError(message or f"Not found: {response.request.url.path}", 4)
    if response.status_code == 429:
        return CliError(message or "Too many failed sign-ins: wait a few minutes.", 5)
    text = message or f"The server answered {response.status_code}."
    if isinstance(details, dict):
        extra: list[str] = []
        for field, why in details.items():
            if isinstance(why, list):
                extra += [f"  {item}" for item in why if item not in (message or "")]
            elif why != message and field != "current":
                extra.append(f"  {field}: {why}")
        text = "\n".join([text, *extra])
    return CliError(text, 2 if response.status_code < 500 else 6)


class Api:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.http = httpx.Client(
            base_url=f"{config.url}/api/v1",
            headers={"Authorization": f"Bearer {config.token}", "Accept": "application/json"},
            timeout=TIMEOUT,
        )

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.ConnectError:
            raise CliError(f"Can't reach the server at {self.config.url}: is it running?", UNREACHABLE) from None
        except httpx.TimeoutException:
            raise CliError(f"The server at {self.config.url} didn't answer in time.", UNREACHABLE) from None
        except httpx.HTTPError as exc:
            raise CliError(f"Talking to {self.config.url} failed: {exc}", UNREACHABLE) from None
        if response.status_code >= 400:
            raise _explain(response)
        try:
            return response.json()
        except ValueError:
            raise CliError(f"{self.config.url} doesn't look like a Parallel You server (no JSON answer).", 6) from None

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params={k: v for k, v in params.items() if v not in (None, "", [])})

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, json=body or {})

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def all_threads(self, **params: Any) -> list[dict[str, Any]]:
        """Every thread the filters match, page after page."""
        found: list[dict[str, Any]] = []
        while True:
            page = self.get("/threads", **params, limit=PAGE, offset=len(found))
            found += page["items"]
            if not page["items"] or len(found) >= page["count"]:
                return found

    def thread_id(self, given: str) -> str:
        """A full id, or the unique thread whose id starts with `given` (as `ls` shows them)."""
        if len(given) >= 32:
            return given
        found: list[str] = []
        for archived in ("false", "true"):
            found += [t["id"] for t in self.all_threads(archived=archived) if t["id"].startswith(given)]
        if not found:
            raise CliError(f"No thread's id starts with “{given}”.", 4)
        if len(found) > 1:
            raise CliError(f"“{given}” starts {len(found)} threads' ids: type more of it.", 2)
        return found[0]
