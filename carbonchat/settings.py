"""
CarbonChat settings, read from the environment in this one place.

Two modes, chosen by the environment with nothing to edit:

* embedded (no ``DATABASE_URL``): a SQLite file, an in-process channel layer and in-process
  presence, ``DEBUG`` on, local hosts allowed. One server process.
* production (``DATABASE_URL`` set, or ``CARBONCHAT_ENV=production``): PostgreSQL from
  ``DATABASE_URL``, Redis from ``REDIS_URL`` for the channel layer and shared state,
  ``SECRET_KEY`` required, ``ALLOWED_HOSTS`` from the environment.

Misconfiguration is reported by system checks (``carbonchat.E001`` and ``realtime.*``).
"""

import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
# Every Redis client (channel layer, cache and rate limits, presence, history) gives up on a
# connection after REDIS_CONNECT_TIMEOUT and on a command after REDIS_SOCKET_TIMEOUT seconds.
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "2") or 2)
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "2") or 2)
CARBONCHAT_ENV = os.environ.get("CARBONCHAT_ENV") or ("production" if DATABASE_URL else "embedded")
PRODUCTION = CARBONCHAT_ENV == "production"

# A missing secret in production is reported by the carbonchat.E001 check; the placeholder only
# lets the check run (and is never accepted by it).
INSECURE_SECRET_KEY = "carbonchat-insecure-embedded-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_SECRET_KEY
DEBUG = _env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = _env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "corsheaders",
    "channels",
    "realtime",
    "conversations",
]

MIDDLEWARE = [
    # First, so it times whole requests (realtime/server/metrics.py).
    "realtime.server.metrics.request_metrics",
    "django.middleware.security.SecurityMiddleware",
    # The widget API answers pages of any origin (CORS_URLS_REGEX below).
    "corsheaders.middleware.CorsMiddleware",
    # Serves the admin's static files under daphne, which serves none itself.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Chunked request bodies (no Content-Length) are read, not taken for empty.
    "conversations.api.middleware.ChunkedBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed admin logins and refuses them past the limit (before the real check).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login throttling: this many failures for one username from one address lock that
# pair out for AXES_COOLOFF_TIME hours (answered 429). Addresses as the rate limits see them.
AXES_FAILURE_LIMIT = int(os.environ.get("ADMIN_LOGIN_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = float(os.environ.get("ADMIN_LOGIN_COOLOFF_HOURS", "1") or 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "conversations.api.throttling.client_address"
AXES_RESET_ON_SUCCESS = True
# The admin login form posts "username" whatever the user model's USERNAME_FIELD (email here).
AXES_USERNAME_FORM_FIELD = "username"

# Content-Security-Policy on every page we serve (admin, API docs): our own scripts and
# styles only. The admin writes a few inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

ROOT_URLCONF = "carbonchat.urls"
ASGI_APPLICATION = "carbonchat.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "carbonchat" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if DATABASE_URL:
    # A connection pool (psycopg_pool, supported by Django since 5.1). Under ASGI every request
    # runs in a thread of its own, so per-thread persistent connections (CONN_MAX_AGE) gave
    # every API request a new PostgreSQL connection and its authentication: ~7 % of a reply's
    # server time (profiled). With CONN_HEALTH_CHECKS the pool checks a connection when it is
    # taken out.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_health_checks=True)}
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "20")),
            "timeout": 10,
        },
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Subscribes authorise in worker threads: reusing each thread's connection, rather
            # than opening one per subscribe, is most of the subscribe rate.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # Writers take the lock when the transaction starts, so concurrent creations
                # (per-account display ids) queue up instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file, not shared-cache memory: threads then wait on the lock
            # (busy timeout) instead of failing with "database table is locked".
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", str(BASE_DIR / "test.sqlite3"))},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "conversations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Production serves collectstatic's output; the embedded mode serves from the apps directly.
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")) if PRODUCTION else None
# In the embedded mode files are found in the apps directly; production runs collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Attachments: local files under MEDIA_ROOT, served by CarbonChat itself at MEDIA_URL
# (conversations/attachments.py adds the headers that keep uploaded HTML or SVG inert).
# ATTACHMENT_STORAGE replaces the backend, as JSON, e.g. django-storages' S3 (the s3 extra):
#   ATTACHMENT_STORAGE='{"BACKEND": "storages.backends.s3.S3Storage",
#                        "OPTIONS": {"bucket_name": "chat-files"}}'
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": json.loads(os.environ.get("ATTACHMENT_STORAGE") or "null")
    or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The website widget runs in its site's pages, of any origin: its API answers them. It
# authenticates by headers (website_token, X-Auth-Token), never cookies, so no credentials
# are allowed across origins. Nothing else of the API is open to other origins.
CORS_URLS_REGEX = r"^/api/v1/widget/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ("accept", "content-type", "x-auth-token")

# The domain's options (conversations/conf.py).
CARBONCHAT = {
    "FRONTEND_URL": os.environ.get("FRONTEND_URL", "").rstrip("/"),
    "MAX_ATTACHMENT_BYTES": int(os.environ.get("MAX_ATTACHMENT_BYTES", 40 * 1024 * 1024)),
}

if REDIS_URL:
    # One PUBLISH per group send and no per-process queue to overflow: the default
    # RedisChannelLayer drops group messages once a process is 100 behind (PITFALLS.md).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                        "socket_timeout": REDIS_SOCKET_TIMEOUT,
                    }
                ],
                "prefix": os.environ.get("CARBONCHAT_CHANNEL_PREFIX", "carbonchat"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {
                # The hub holds one channel per process; a burst must not overflow it
                # (InMemoryChannelLayer drops group messages silently when a queue is full),
                # and group membership must outlive a long-running server (default 24 h).
                "capacity": 10_000,
                "group_expiry": 10 * 365 * 24 * 3600,
            },
        }
    }

REALTIME = {
    "GROUP_PREFIX": os.environ.get("CARBONCHAT_CHANNEL_PREFIX", "carbonchat"),
    "CHANNELS": {
        "RoomChannel": "conversations.room_channel.RoomChannel",
    },
    "SERVER_PROCESSES": int(os.environ.get("WEB_CONCURRENCY", "1") or 1),
    # The client API's path names the contact session by its source_id: the whole credential.
    "REDACT_PATHS": (r"/public/api/v1/inboxes/[^/]+/contacts/([^/?#\s]+)",),
    "REDIS_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
    "REDIS_SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
    # Chatwoot's clients and SDKs send the agent token only as api_access_token.
    "UNDERSCORE_HEADERS": ("api_access_token",),
    "ALLOWED_ORIGINS": _env_list("CABLE_ALLOWED_ORIGINS", []) or None,
    # /metrics: a bearer token for Prometheus (unset: direct requests from loopback only).
    "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
    "HISTORY_STORE": (
        "realtime.delivery.history.redis.RedisHistoryStore"
        if REDIS_URL
        else "realtime.delivery.history.memory.MemoryHistoryStore"
    ),
    "PRESENCE_STORE": (
        "realtime.presence.redis.RedisPresenceStore"
        if REDIS_URL
        else "realtime.presence.memory.MemoryPresenceStore"
    ),
}

# Several server processes share their metrics through files (prometheus_client's
# multiprocess mode); the directory must be emptied before the processes start (deploy/).
if REALTIME["SERVER_PROCESSES"] > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(BASE_DIR / "var" / "prometheus")
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

# Any REALTIME setting can also come from the environment, as JSON:
#   CARBONCHAT_REALTIME='{"MAX_SUBSCRIPTIONS": 32, "PING_INTERVAL": 3}'
REALTIME.update(json.loads(os.environ.get("CARBONCHAT_REALTIME") or "{}"))

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# none by default, so a client cannot pick its own address for the per-address rate limit.
TRUSTED_PROXIES = _env_list("TRUSTED_PROXIES", [])

# Seconds between the sweeps that reopen snoozed conversations when due (conversations/snooze.py).
SNOOZE_SWEEP_INTERVAL = float(os.environ.get("SNOOZE_SWEEP_INTERVAL", "5") or 5)

REST_FRAMEWORK = {
    # Each API view names its own authentication (agents' access token, or none for the
    # public client API); nothing is allowed by a default the view forgot to override.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["conversations.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["conversations.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "conversations.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The public (contact-facing) API: per client address and per contact session.
    "DEFAULT_THROTTLE_RATES": {
        "public_address": os.environ.get("PUBLIC_API_RATE_PER_ADDRESS", "300/min"),
        "public_session": os.environ.get("PUBLIC_API_RATE_PER_SESSION", "120/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CarbonChat API",
    "DESCRIPTION": "Chatwoot-compatible application (agents) and client (contacts) APIs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's pinned copy in our static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Throttle counters (and any other cache use) are shared by every process when Redis is set.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "carbonchat",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact": {"()": "realtime.server.redaction.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own default handlers (DEBUG console, mail_admins) are dropped: its records
        # go to the root handler, through the redacting filter.
        "django": {"handlers": [], "propagate": True},
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
