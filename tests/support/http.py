"""A tiny HTTP client for tests against real servers: cookies, CSRF, form posts (stdlib only)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Response:
    status: int
    text: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case


@dataclass
class WebClient:
    base_url: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=10) as response:
                return Response(
                    response.status,
                    response.read().decode(),
                    response.url,
                    {k.lower(): v for k, v in response.headers.items()},
                )
        except urllib.error.HTTPError as exc:
            return Response(
                exc.code, exc.read().decode(errors="replace"), exc.url, {k.lower(): v for k, v in exc.headers.items()}
            )

    def get(self, path: str) -> Response:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict[str, str] | None = None, *, htmx: bool = False) -> Response:
        if self.cookie("csrftoken") is None:
            self.get("/accounts/login/")
        token = self.cookie("csrftoken") or ""
        headers = {"X-CSRFToken": token, "Referer": self.base_url + "/"}
        if htmx:
            headers["HX-Request"] = "true"
        body = urllib.parse.urlencode(data or {}).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST"))

    def sign_up(self, username: str, password: str = "a-long-Passw0rd!") -> None:
        response = self.post("/accounts/signup/", {"username": username, "password1": password, "password2": password})
        if self.cookie("sessionid") is None:
            raise AssertionError(f"sign-up failed ({response.status}): {response.text[:500]}")

    def log_in(self, username: str, password: str = "a-long-Passw0rd!") -> None:
        self.post("/accounts/login/", {"username": username, "password": password})
        if self.cookie("sessionid") is None:
            raise AssertionError("log-in failed")

    def use_session_of(self, other: WebClient) -> None:
        """Share another client's cookies (the same person on another web process)."""
        for cookie in other.jar:
            self.jar.set_cookie(cookie)


def subject_ids(html: str) -> list[str]:
    return re.findall(r'data-subject="([0-9a-f]+)"', html)
