"""Django settings, read from the environment in one place (django-environ).

Every integration has one flag: PARALLEL_YOU_REPO picks the document store, PARALLEL_YOU_BUS the
message bus (and with it the channel layer and the quantum-expiry scheduler). A bad or missing value
for the chosen backend stops start-up with one line naming the variable: see `config_error`.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"


class ConfigError(SystemExit):
    """A bad setting: exits with one readable line instead of a traceback."""


def config_error(variable: str, problem: str) -> ConfigError:
    return ConfigError(f"Configuration error: {variable} {problem}")


env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

TESTING = "pytest" in sys.modules or env.bool("PARALLEL_YOU_TESTING", default=False)

DEBUG = env.bool("DEBUG", default=True)
_DEV_SECRET = "dev-insecure-parallel-you-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise config_error("SECRET_KEY", "must be set when DEBUG=0 (a long random string).")
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise config_error("SECRET_KEY", "is the development key; set a real one when DEBUG=0.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Parallel You integrations -------------------------------------------------------------------
REPO_BACKENDS = ("memory", "sqlite", "mongo")
PARALLEL_YOU_REPO = env.str("PARALLEL_YOU_REPO", default="memory").strip().lower() or "memory"
if PARALLEL_YOU_REPO not in REPO_BACKENDS:
    raise config_error("PARALLEL_YOU_REPO", f"must be one of {', '.join(REPO_BACKENDS)}, not {PARALLEL_YOU_REPO!r}.")
PARALLEL_YOU_SQLITE_PATH = Path(env.str("PARALLEL_YOU_SQLITE_PATH", default=str(DATA_DIR / "parallel_you.sqlite3")))
MONGO_URI = env.str("MONGO_URI", default="")
MONGO_DB = env.str("MONGO_DB", default="parallel_you")
# How long one MongoDB call may wait (to find a server, to connect, for an answer) before the
# person is told the store isn't answering: a hung store must not hold a request forever.
MONGO_TIMEOUT_MS = env.int("MONGO_TIMEOUT_MS", default=5000)
# A store whose calls wait on the network is served off the event loop (parallel_you/offload.py):
# "auto" does so for MongoDB (and a store given a latency), "on"/"off" force it.
PARALLEL_YOU_STORE_OFF_LOOP = env.str("PARALLEL_YOU_STORE_OFF_LOOP", default="auto").strip().lower()
if PARALLEL_YOU_STORE_OFF_LOOP not in ("auto", "on", "off"):
    raise config_error("PARALLEL_YOU_STORE_OFF_LOOP", f"must be auto, on or off, not {PARALLEL_YOU_STORE_OFF_LOOP!r}.")
# How many requests may wait on such a store at once (threads serving HTTP off the loop).
PARALLEL_YOU_STORE_THREADS = env.int("PARALLEL_YOU_STORE_THREADS", default=8)
# Benchmarks and tests only: every store call this many milliseconds slower (a far-away store).
PARALLEL_YOU_REPO_LATENCY_MS = env.int("PARALLEL_YOU_REPO_LATENCY_MS", default=0)
if PARALLEL_YOU_REPO == "mongo":
    from pymongo.errors import InvalidURI
    from pymongo.uri_parser import parse_uri

    if not MONGO_URI:
        raise config_error("MONGO_URI", "is required when PARALLEL_YOU_REPO=mongo (mongodb://user:pass@host/db).")
    try:
        _parsed = parse_uri(MONGO_URI)
    except (InvalidURI, ValueError) as exc:
        raise config_error("MONGO_URI", f"is not a valid MongoDB URL: {exc}") from None
    MONGO_DB = _parsed.get("database") or MONGO_DB

BUS_BACKENDS = ("memory", "rabbitmq")
PARALLEL_YOU_BUS = env.str("PARALLEL_YOU_BUS", default="memory").strip().lower() or "memory"
if PARALLEL_YOU_BUS not in BUS_BACKENDS:
    raise config_error("PARALLEL_YOU_BUS", f"must be one of {', '.join(BUS_BACKENDS)}, not {PARALLEL_YOU_BUS!r}.")
RABBITMQ_URL = env.str("RABBITMQ_URL", default="amqp://guest:guest@127.0.0.1:5672/")
# Names of our own on the shared broker; tests give them a per-run prefix.
PARALLEL_YOU_AMQP_PREFIX = env.str("PARALLEL_YOU_AMQP_PREFIX", default="parallel_you")
from parallel_you.bus.urls import amqp_urls  # noqa: E402

if PARALLEL_YOU_BUS == "rabbitmq":
    try:
        AMQP = amqp_urls(RABBITMQ_URL)
    except ValueError as exc:
        raise config_error("RABBITMQ_URL", str(exc)) from None
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_rabbitmq.core.RabbitmqChannelLayer",
            # Always explicit: the default host points at a vhost "asgi" that does not exist.
            "CONFIG": {"host": AMQP.channels, "groups_exchange": f"{PARALLEL_YOU_AMQP_PREFIX}.groups"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Django ----------------------------------------------------------------------------------------
INSTALLED_APPS = [
    # First: its `runserver` (uvicorn with reload and lifespan) replaces Django's and staticfiles'.
    "parallel_you",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "csp",
    # The API's interactive docs load Swagger UI from ninja's static files (no CDN) when listed here.
    "ninja",
    "channels",
    "accounts",
    "threads",
    "sprints",
    "timers",
    "pace",
]

MIDDLEWARE = [
    # Django's and WhiteNoise's own, made async-capable without thread hops (see the module).
    "parallel_you.middleware.ServerTimingMiddleware",
    "parallel_you.middleware.LivePausedMiddleware",
    "parallel_you.middleware.SecurityMiddleware",
    "parallel_you.middleware.StaticFilesMiddleware",
    "parallel_you.middleware.SessionMiddleware",
    "parallel_you.middleware.CommonMiddleware",
    "parallel_you.middleware.CsrfViewMiddleware",
    "parallel_you.middleware.CsrfPlaceholderMiddleware",
    "parallel_you.middleware.AuthenticationMiddleware",
    "parallel_you.middleware.LoginRequiredMiddleware",
    "parallel_you.middleware.MessageMiddleware",
    "accounts.time_zone.PersonTimeZoneMiddleware",
    "parallel_you.middleware.XFrameOptionsMiddleware",
    "parallel_you.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parallel_you.middleware.StoreProblemMiddleware",
]

# Django looks for its security, CSRF and clickjacking middlewares by path; ours extend them, and
# parallel_you/checks.py runs the same deploy checks with ours in their place.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

ROOT_URLCONF = "parallel_you.urls"
# Form widgets render with the project's templates, so templates/django/forms/ can override one.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ASGI_APPLICATION = "parallel_you.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parallel_you.web.live_context",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'django.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no data/ folder (it is git-ignored): make the file's folder exist.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered board cards, per process (keyed by each card's inputs, so never stale; see card_context).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "parallel-you",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "threads:board"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / env.str("STATIC_ROOT", default="staticfiles")  # relative: to the project folder
# DEBUG=0 serves what `manage.py collectstatic` put in STATIC_ROOT: content-hashed names (cached
# for ever by browsers) with gzip copies (brotli too when the brotli package is installed).
# DEBUG=1 serves static/ as it is.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# --- Security (check --deploy is clean with DEBUG=0) ----------------------------------------------
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline <script>, no event-handler attributes, no eval (htmx runs with allowEval off, see
# base.html), nothing from another origin. Style *attributes* stay allowed: templates set
# per-item colours and widths with them (`style="--band: #…"`), and an attribute cannot run
# script or load anything img-src doesn't allow; <style> elements stay forbidden.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "script-src-attr": [NONE],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],  # 'self' covers the page's own ws:// and wss:// origin (CSP 3)
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Failed log-ins are throttled per account and per client address (django-axes, counted in the
# database so every web process shares the count): AXES_FAILURE_LIMIT failures lock that account,
# and that address, for AXES_COOLOFF_TIME. A lock-out says how long to wait (accounts/forms.py).
# The client address is REMOTE_ADDR: behind a proxy, start uvicorn with --forwarded-allow-ips.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Lock-outs are shown by our log-in view, on the form, instead of AxesMiddleware's own page.
SILENCED_SYSTEM_CHECKS += ["axes.W002"]
# Sign-up tells whether a name is taken (it must); this bounds how many names one address can try.
SIGNUP_TAKEN_LIMIT = 10
SIGNUP_TAKEN_WINDOW = timedelta(minutes=15)

SESSION_COOKIE_HTTPONLY = True
# Sessions in the database: live sockets end with theirs by watching the rows (live_sessions.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery (distributed quantum expiry) ----------------------------------------------------------
# Quorum queue on a topic exchange: Celery then uses RabbitMQ's native delayed delivery, so an ETA
# waits in the broker, not unacked in a worker (RabbitMQ's consumer_timeout, 30 min by default,
# would otherwise kill a worker holding a 45-minute quantum). See STACK-NOTES.md.
CELERY_BROKER_URL = amqp_urls(RABBITMQ_URL).kombu if PARALLEL_YOU_BUS == "rabbitmq" else "memory://"
CELERY_TASK_DEFAULT_QUEUE = f"{PARALLEL_YOU_AMQP_PREFIX}.timers"
CELERY_TASK_DEFAULT_EXCHANGE = f"{PARALLEL_YOU_AMQP_PREFIX}.timers"
CELERY_TASK_DEFAULT_EXCHANGE_TYPE = "topic"
# Unique per deployment: native delayed delivery routes by routing key through shared exchanges.
CELERY_TASK_DEFAULT_ROUTING_KEY = f"{PARALLEL_YOU_AMQP_PREFIX}.timers"
CELERY_TASK_DEFAULT_QUEUE_TYPE = "quorum"
CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that schedules an expiry while the broker is away gets a refusal within a few
# seconds (the person sees "nothing changed"), not a hang.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
# Failed API token sign-ins allowed per client address in 5 minutes before it is refused (429).
PARALLEL_YOU_TOKEN_FAILURES = env.int("PARALLEL_YOU_TOKEN_FAILURES", default=10)
# How long a quantum's minute lasts, in seconds: 60, except in tests that run a quantum in seconds.
PARALLEL_YOU_SECONDS_PER_MINUTE = env.float("PARALLEL_YOU_SECONDS_PER_MINUTE", default=60.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes says "login failed" at INFO for every attempt; its warnings (lock-outs) stay.
    "loggers": {"axes": {"level": "WARNING"}},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
