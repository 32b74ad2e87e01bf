"""One RABBITMQ_URL, three client spellings.

kombu/Celery, channels-rabbitmq and aio-pika each read the virtual host from the URL path
differently, so the default vhost ``/`` must be written three ways:

========================  ====================================  =====================
client                    default vhost ``/``                   vhost ``app``
========================  ====================================  =====================
kombu (Celery broker)     ``amqp://u:p@host:5672//``            ``amqp://u:p@host:5672/app``
channels-rabbitmq         ``amqp://u:p@host:5672``              ``amqp://u:p@host:5672/app``
aio-pika (the bus)        ``amqp://u:p@host:5672/``             ``amqp://u:p@host:5672/app``
========================  ====================================  =====================

The input may use any of these spellings (or ``/%2F``) for the default vhost.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

__all__ = ["AmqpUrls", "amqp_urls"]

_DEFAULT_VHOST_PATHS = ("", "/", "//", "/%2F", "/%2f")


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


@dataclass(frozen=True)
class AmqpUrls:
    """The same broker and vhost spelled for each client; ``repr`` hides the password."""

    kombu: str
    channels: str
    aio_pika: str
    vhost: str

    def __repr__(self) -> str:
        return f"AmqpUrls(aio_pika={_masked(self.aio_pika)!r}, vhost={self.vhost!r})"


def amqp_urls(url: str) -> AmqpUrls:
    """Derive the kombu, channels-rabbitmq and aio-pika URLs from one ``amqp(s)://`` URL.

    Raises ValueError (with the password masked) if the URL is not amqp/amqps or has no host.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("RabbitMQ URL is empty; expected e.g. amqp://guest:guest@127.0.0.1:5672/")
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port validates it
    except ValueError as exc:
        raise ValueError(f"invalid RabbitMQ URL {_masked(url)!r}: {exc}") from exc
    if parts.scheme not in ("amqp", "amqps"):
        raise ValueError(f"RabbitMQ URL {_masked(url)!r} must start with amqp:// or amqps://")
    if not parts.hostname:
        raise ValueError(f"RabbitMQ URL {_masked(url)!r} has no host; expected e.g. amqp://user:pass@host:5672/")
    if parts.fragment:
        raise ValueError(f"RabbitMQ URL {_masked(url)!r} must not have a #fragment")

    base = f"{parts.scheme}://{parts.netloc}"
    query = f"?{parts.query}" if parts.query else ""
    if parts.path in _DEFAULT_VHOST_PATHS:
        vhost = "/"
        return AmqpUrls(kombu=f"{base}//{query}", channels=base, aio_pika=f"{base}/{query}", vhost=vhost)
    vhost = unquote(parts.path[1:])
    path = "/" + quote(vhost, safe="")
    # channels-rabbitmq gets no query string: its options are constructor arguments, not URL ones.
    return AmqpUrls(
        kombu=f"{base}{path}{query}", channels=f"{base}{path}", aio_pika=f"{base}{path}{query}", vhost=vhost
    )
