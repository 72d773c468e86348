"""Settings for the Pinnacle portal: every knob comes from the environment (see README)."""

import os
from pathlib import Path

from environs import Env

from pinnacle.http import parse_trusted_proxies
from pinnacle.telemetry import sentry
from pinnacle.telemetry.logs import log_format, logging_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)

DEBUG = env.bool("DEBUG", default=False)
# Development gets an obvious placeholder. Without DEBUG an unset key stays empty: Django refuses
# any use of it (ImproperlyConfigured) and pinnacle/wsgi.py refuses to start, while commands that
# sign nothing (makemigrations --check, collectstatic) still run in a bare environment.
SECRET_KEY = env.str("SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")

BASE_DOMAIN = env.str("BASE_DOMAIN", "localhost")
DEFAULT_PARTNERSHIP = env.str("DEFAULT_PARTNERSHIP", "pinnacle")
# How links in emails reach this site: scheme and an optional ":port" suffix.
SITE_SCHEME = env.str("SITE_SCHEME", "http" if DEBUG else "https")
SITE_PORT = env.str("SITE_PORT", "")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The proxies in front of the app (a count, or their addresses/CIDRs): only through them does
# X-Forwarded-For name the client, for rate limits and stored addresses (pinnacle.http.client_ip).
TRUSTED_PROXIES = parse_trusted_proxies(env.str("TRUSTED_PROXIES", ""))
RATELIMIT_IP_META_KEY = "pinnacle.http.client_ip"

INSTALLED_APPS = [
    "pinnacle.apps.PinnacleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",  # the widgets' own templates, for the project's form renderer
    "allauth",
    "allauth.account",
    "anymail",
    "django_htmx",
    "pinnacle",
    "pinnacle.mail",
    "members",
    "policy",
    "leads",
    "transactions",
    "outreach",
    "comarketing",
    "advocates",
]

MIDDLEWARE = [
    # First: every later middleware's lines and answers carry the request id (docs/telemetry.md).
    "pinnacle.telemetry.middleware.RequestTelemetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pinnacle.middleware.RefuseControlCharactersMiddleware",
    "pinnacle.mail.webhooks.WebhookGuardMiddleware",
    "pinnacle.tenancy.PartnershipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pinnacle.tenancy.SuperuserAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "leads.middleware.CampaignMiddleware",
]

ROOT_URLCONF = "pinnacle.urls"
WSGI_APPLICATION = "pinnacle.wsgi.application"

TEMPLATE_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "pinnacle.tenancy.partnership_context",
    "members.extensions.template_extensions",
    "leads.context_processors.prospect",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": TEMPLATE_CONTEXT_PROCESSORS},
    },
    {
        # Plain text (email subjects and text parts): the same templates, never HTML-escaped.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": TEMPLATE_CONTEXT_PROCESSORS, "autoescape": False},
    },
]

# Forms render through TEMPLATES (so `as_field_group` finds templates/forms/field.html).
FORM_RENDERER = "pinnacle.forms.FormRenderer"

DATABASE_URL = env.str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pinnacle")
# Two roles (pinnacle/rls.py): `default` is the app role, held by row-level security to the
# request's or task's partnership; `owner` owns the tables (migrations, the demo seed, superusers'
# admin). Unset, the owner is the app's own URL: one role, and no wall.
DATABASES = {
    "default": env.dj_db_url("DATABASE_URL", default=DATABASE_URL),
    "owner": env.dj_db_url("DATABASE_OWNER_URL", default=DATABASE_URL),
}
for _database in DATABASES.values():
    _database["ATOMIC_REQUESTS"] = False
    _database["CONN_HEALTH_CHECKS"] = True  # with the pool: checked as taken from it
    # The portal's queries are short and go through indexes; PostgreSQL's JIT compiler, which
    # switches itself on by estimated cost, added 20-70 ms to a large count or sort (bench/ at
    # 200,000 leads).
    _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Each process keeps at most DATABASE_POOL_SIZE connections as the app role (psycopg's pool),
# whatever its threads, and at most one as the owner (superusers' admin, a webhook's lookup of its
# message's partnership), so the database's connections stay within the budget in README
# "Processes"; a request that finds the pool taken waits up to DATABASE_POOL_TIMEOUT seconds, then
# gets the plain 503. 0 turns the pool off: one connection per thread, kept CONN_MAX_AGE seconds.
DATABASE_POOL_SIZE = env.int("DATABASE_POOL_SIZE", 4)
for _alias, _size in (("default", DATABASE_POOL_SIZE), ("owner", min(DATABASE_POOL_SIZE, 1))):
    if DATABASE_POOL_SIZE > 0:
        DATABASES[_alias]["CONN_MAX_AGE"] = 0  # Django: pooled connections are never persistent
        DATABASES[_alias]["OPTIONS"]["pool"] = {
            "min_size": 1 if _alias == "default" else 0,
            "max_size": _size,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", 5),
        }
    else:
        DATABASES[_alias]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "pinnacle.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", "pinnacle"),
    }
}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "members.auth.PartnershipMemberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email login, no usernames, signup only through an accepted invitation.
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105: an allauth rate-limit name, not a password
    "signup": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Serve MEDIA_ROOT from Django (development and single-host deployments).
SERVE_MEDIA = env.bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Files that must never be public (a transaction's documents and signed authorizations): kept
# outside MEDIA_ROOT, so no URL reaches them; views serve them after checking who may see them.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "private")))
# `make backup` writes one directory per backup here (docs/operations-backup.md).
BACKUP_DIR = Path(env.str("BACKUP_DIR", str(BASE_DIR / ".data" / "backups")))
# The key of the hashes that keep an erased person's opt-outs and suppressions holding
# (docs/privacy.md); changing it makes those hashes unmatchable, so it is kept apart from
# SECRET_KEY, which may be rotated. Unset, it is derived from SECRET_KEY.
PRIVACY_HASH_KEY = env.str("PRIVACY_HASH_KEY", "")
# Uploaded images: size cap before Pillow even looks at the file.
MAX_UPLOAD_IMAGE_BYTES = env.int("MAX_UPLOAD_IMAGE_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# How long a customer's link to their transaction page works (revoking ends every link sooner).
CUSTOMER_LINK_DAYS = env.int("CUSTOMER_LINK_DAYS", 90)

# Email: every message goes through pinnacle.mail's outbox, then this backend.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 20)
if env.str("EMAIL_FILE_PATH", ""):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "portal@pinnacle.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every ANYMAIL_<NAME> variable lands in ANYMAIL["<NAME>"] (e.g. ANYMAIL_POSTMARK_SERVER_TOKEN).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
if DEBUG:
    ANYMAIL.setdefault("WEBHOOK_SECRET", "dev:dev-webhook-secret")

# Celery: Redis broker; tasks are idempotent so late acks are safe.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # Publishing never retries a connection (kombu would sleep 2 s, 4 s ... inside the request):
    # a message that cannot be published waits in the outbox for the sweep. The worker's own
    # consumer reconnects with broker_connection_retry, which these options do not touch.
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "pinnacle.mail.tasks.sweep_outbox", "schedule": 60.0},
    "sweep-inquiries": {"task": "leads.tasks.sweep_inquiries", "schedule": 60.0},
    "sweep-post-close": {"task": "transactions.tasks.sweep_post_close_steps", "schedule": 300.0},
    "sweep-comarketing": {"task": "comarketing.tasks.sweep_reminders", "schedule": 300.0},
    "close-policy-votes": {"task": "policy.tasks.close_policy_votes", "schedule": 60.0},
    "refresh-advocate-scores": {
        "task": "advocates.tasks.refresh_due_scores",
        "schedule": 3600.0,
    },
    # The appreciation plans' morning digest of due touches (07:00 in each partnership's zone).
    "send-advocate-digests": {"task": "advocates.tasks.send_due_digests", "schedule": 300.0},
}

# Sessions in PostgreSQL, cached in Redis; they keep working from the database when Redis is down.
SESSION_ENGINE = "pinnacle.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# Telemetry (docs/telemetry.md). Log lines: JSON (one object a line) or text; JSON by default
# unless DEBUG. Each carries the request id, partnership, user id and Celery task.
LOG_FORMAT = log_format(env.str("LOG_FORMAT", ""), debug=DEBUG)
LOGGING = logging_settings(chosen_format=LOG_FORMAT, level=env.str("LOG_LEVEL", "INFO"))
# /metrics answers only with this bearer token; unset, it is a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", "")
# /healthz fails ("outbox": "backlog") once the oldest due email has waited this long.
HEALTHZ_OUTBOX_DUE_SECONDS = env.int("HEALTHZ_OUTBOX_DUE_SECONDS", 15 * 60)
# Errors to Sentry (web, worker and beat all read these settings), without personal data.
SENTRY_DSN = env.str("SENTRY_DSN", "")
if SENTRY_DSN:
    sentry.init(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=env.str("SENTRY_RELEASE", ""),
    )
