"""Django's deploy checks for the middlewares we replaced with async-capable subclasses.

Django finds SecurityMiddleware, CsrfViewMiddleware and XFrameOptionsMiddleware in MIDDLEWARE by
their dotted paths, so with ours (parallel_you/middleware.py) it warns that they are missing
(security.W001-W003, silenced in settings) and skips every check that depends on them (HSTS, SSL
redirect, secure CSRF cookie, ...). This runs those checks again with each of ours named as the
Django class it extends; a missing one is reported as parallel_you.W001-W003.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks.security import base, csrf
from django.test.utils import override_settings
from django.utils.module_loading import import_string

_DJANGO = {
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}
_PRESENCE = {"security.W001", "security.W002", "security.W003"}
_CHECKS = (
    base.check_security_middleware,
    base.check_xframe_options_middleware,
    base.check_sts,
    base.check_sts_include_subdomains,
    base.check_sts_preload,
    base.check_content_type_nosniff,
    base.check_ssl_redirect,
    base.check_xframe_deny,
    base.check_referrer_policy,
    base.check_cross_origin_opener_policy,
    csrf.check_csrf_middleware,
    csrf.check_csrf_cookie_secure,
)


def as_django(path: str) -> str:
    """The dotted path of the Django middleware that the one at `path` is (or extends), else `path`."""
    try:
        cls = import_string(path)
    except ImportError:
        return path
    for django_path in _DJANGO:
        if isinstance(cls, type) and issubclass(cls, import_string(django_path)):
            return django_path
    return path


@checks.register(checks.Tags.security, deploy=True)
def check_middleware_as_django(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    mapped = [as_django(path) for path in settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=mapped):
        found = [message for check in _CHECKS for message in check(app_configs)]
    return [
        checks.Warning(m.msg, hint=m.hint, obj=m.obj, id=m.id.replace("security.", "parallel_you."))
        if m.id and m.id in _PRESENCE
        else m
        for m in found
    ]
