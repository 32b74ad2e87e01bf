"""Issuing, checking and revoking personal access tokens; throttling failed token sign-ins.

A token reads `pyat_<43 url-safe characters>` (256 random bits). The database keeps its SHA-256
digest and a short hint; a request's token is hashed and looked up by digest, so a revoked or
deleted token stops working on the very next request (nothing caches it).

Failed token sign-ins are counted per client address in Django's cache; past
`settings.PARALLEL_YOU_TOKEN_FAILURES` failures within `THROTTLE_WINDOW` seconds that address is refused (429) until the window ends,
even with a good token, so guessing tokens is slow. The counter is separate from the login
page's throttling on purpose: a script with a stale token mustn't lock its owner out of the site.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import AccessToken

PREFIX = "pyat_"
THROTTLE_WINDOW = 300  # seconds
# How stale `last_used_at` may get: one write a minute per token, not one per request.
LAST_USED_EVERY = timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str  # shown once, never stored
    record: AccessToken


def token_issue(*, user: Any, name: str, scope: str) -> Issued:
    name = name.strip()
    if not name:
        raise ValueError("Give the token a name, so you know later what uses it.")
    if scope not in AccessToken.Scope.values:
        raise ValueError("Choose read or read-write.")
    token = PREFIX + secrets.token_urlsafe(32)
    record = AccessToken.objects.create(
        user=user, name=name[:80], scope=scope, digest=digest_of(token), hint=token[: len(PREFIX) + 6]
    )
    return Issued(token=token, record=record)


def token_list(*, user: Any) -> list[AccessToken]:
    return list(AccessToken.objects.filter(user=user, revoked_at__isnull=True))


def stream_group(token_id: int) -> str:
    """The Channels group of the event streams opened with one token (closed when it is revoked)."""
    return f"token.{token_id}"


async def token_revoke(*, user: Any, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; its open event streams are told to close. False if none."""
    found = await AccessToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).aupdate(
        revoked_at=timezone.now()
    )
    if not found:
        return False
    layer: Any = get_channel_layer()
    await layer.group_send(stream_group(token_id), {"type": "token.revoked"})
    return True


def _throttle_key(address: str) -> str:
    return f"token-auth-failures:{address}"


def throttled(address: str) -> bool:
    return int(cache.get(_throttle_key(address), 0)) >= settings.PARALLEL_YOU_TOKEN_FAILURES


def _count_failure(address: str) -> None:
    key = _throttle_key(address)
    if cache.add(key, 1, THROTTLE_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, THROTTLE_WINDOW)


class TokenThrottled(Exception):
    """Too many failed token sign-ins from this address."""

    retry_after = THROTTLE_WINDOW


async def token_authenticate(token: str, *, address: str) -> AccessToken | None:
    """The live token (with its user) `token` names, or None; counts failures per address."""
    if throttled(address):
        raise TokenThrottled
    record = None
    if token.startswith(PREFIX) and len(token) < 200:
        record = (
            await AccessToken.objects.select_related("user")
            .filter(digest=digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .afirst()
        )
    if record is None:
        _count_failure(address)
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_EVERY:
        record.last_used_at = now
        await AccessToken.objects.filter(pk=record.pk).aupdate(last_used_at=now)
    return record
