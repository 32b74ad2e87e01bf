"""Tags for fragments rendered many times per page (board cards), built to be cheap and cacheable.

- `{{ thread.id|link:"threads:detail" }}`: the URL of a view that takes one id. `{% url %}`
  resolves each link from scratch (about 40 µs); a board renders hundreds of cards with a dozen
  links each, so each view name is reversed once per script prefix with a marker in place of the
  id, and each link is two string joins.
- `{% csrf_field %}`: the CSRF hidden input, or (inside a cached fragment, `csrf_deferred` set in
  the context) a placeholder that `CsrfPlaceholderMiddleware` replaces with this request's input,
  so a cached card never carries another session's token.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_MARKER = "__id__"
CSRF_PLACEHOLDER = "<!--csrf-field-->"


@lru_cache(maxsize=512)
def _parts(name: str, prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=[_MARKER]).split(_MARKER)
    return before, after


def link_to(name: str, object_id: object) -> str:
    before, after = _parts(name, get_script_prefix())
    return f"{before}{quote(str(object_id), safe='')}{after}"


@register.filter
def link(object_id: object, name: str) -> str:
    return link_to(name, object_id)


def csrf_input(token: str) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def csrf_field(context: Any) -> SafeString:
    if context.get("csrf_deferred"):
        return mark_safe(CSRF_PLACEHOLDER)  # noqa: S308 (a constant, no user text)
    token = context.get("csrf_token")
    return csrf_input(str(token)) if token else SafeString("")
