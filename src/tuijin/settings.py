"""Django settings, read from the environment (TUIJIN_*) and refusing unsafe production values."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("TUIJIN_DATA_DIR", PROJECT_DIR / "data"))

DEFAULT_SECRET_KEY = "tuijin-insecure-development-key-change-me"


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: anything but true/false/1/0 is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


# Off unless asked for: the debug pages would show a government intranet its own internals.
DEBUG = env_bool("TUIJIN_DEBUG", False)
PRODUCTION = env_bool("TUIJIN_PRODUCTION", False)
SECRET_KEY = os.environ.get("TUIJIN_SECRET_KEY", DEFAULT_SECRET_KEY)

if PRODUCTION:
    # A production server must never run with debug pages or a key anyone can read in git.
    if DEBUG:
        raise ImproperlyConfigured("TUIJIN_PRODUCTION is on: set TUIJIN_DEBUG=false")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "TUIJIN_PRODUCTION is on: set TUIJIN_SECRET_KEY to a random value of 32+ characters"
        )

ALLOWED_HOSTS = [h for h in os.environ.get("TUIJIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("TUIJIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "tuijin.core",
    "tuijin.orgs",
    "tuijin.accounts",
    "tuijin.audit",
    "tuijin.industry",
    "tuijin.projects",
    "tuijin.progress",
    "tuijin.indicators",
    "tuijin.livelihood",
    "tuijin.reconciliation",
    "tuijin.bulletins",
    "tuijin.problems",
    "tuijin.attraction",
    "tuijin.reminders",
    "tuijin.dossier",
    "tuijin.api",
    "tuijin.demo",
    "tuijin.dashboard",
    "tuijin.geo",
    "tuijin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tuijin.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tuijin.core.middleware.SecurityHeadersMiddleware",
    "tuijin.core.middleware.RangeConstraintMiddleware",
    "axes.middleware.AxesMiddleware",
]
if os.environ.get("TUIJIN_DATABASE_REPLICA_URLS", "").strip():
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                      "tuijin.core.routers.ReplicaReadsMiddleware")

ROOT_URLCONF = "tuijin.urls"
WSGI_APPLICATION = "tuijin.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'tuijin.sqlite3'}"
DATABASE_URL = os.environ.get("TUIJIN_DATABASE_URL", _default_db)
if DATABASE_URL.startswith("sqlite"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves a small multi-user server (PostgreSQL stays the production database): readers never block the
    # writer (WAL), a writer waits up to `timeout` seconds for another instead of failing with "database is
    # locked", and every transaction.atomic takes the write lock when it begins (IMMEDIATE), so a transaction
    # that read first never fails when it then writes. In-memory test databases ignore the journal mode.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": int(os.environ.get("TUIJIN_SQLITE_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends longer compiling the indicator aggregations than running them (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Read replicas (comma-separated URLs): read-only dashboard, indicator and export reads go there (core/routers.py).
if os.environ.get("TUIJIN_DATABASE_REPLICA_URLS", "").strip():
    from tuijin.core.routers import replica_settings

    _replicas = replica_settings(os.environ["TUIJIN_DATABASE_REPLICA_URLS"], DATABASES["default"], dj_database_url.parse)
    DATABASES.update(_replicas)
    DATABASE_REPLICAS = list(_replicas)
    DATABASE_ROUTERS = ["tuijin.core.routers.ReplicaRouter"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("TUIJIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TUIJIN_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the app whose X-Forwarded-For is believed (0: use REMOTE_ADDR only).
TRUSTED_PROXY_COUNT = int(os.environ.get("TUIJIN_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "tuijin.audit.middleware.client_ip"

SESSION_COOKIE_AGE = int(os.environ.get("TUIJIN_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("TUIJIN_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("TUIJIN_SSL_REDIRECT", True)
    # HSTS preload is irreversible for a government domain: left to the operator, not to the app.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("TUIJIN_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TUIJIN_LOG_LEVEL", "WARNING")},
}

# Monthly-report sanity checks (DOMAIN.md): each is "warning" (the reporter must confirm) or "error".
REPORT_CHECKS = {
    "future_month": "error",
    "ytd_above_total": "warning",
    "month_jump": "warning",
    "yuan_as_wan": "warning",
}
for _item in filter(None, os.environ.get("TUIJIN_REPORT_CHECKS", "").split(",")):
    _name, _, _level = _item.partition("=")
    if _name.strip() not in REPORT_CHECKS or _level.strip() not in ("warning", "error"):
        raise ImproperlyConfigured(f"TUIJIN_REPORT_CHECKS: unknown check or level in {_item!r}")
    REPORT_CHECKS[_name.strip()] = _level.strip()
# A month is a jump when it exceeds this many times the project's median month (with 3+ months of history).
REPORT_JUMP_FACTOR = int(os.environ.get("TUIJIN_REPORT_JUMP_FACTOR", "5"))

# Spreadsheet imports (月报, 项目库, 年度清单, 招商台账; pages and `tuijin import`): a larger file, or one with more rows
# (all sheets together), is refused before it is read, with one line asking to split it.
IMPORT_MAX_BYTES = int(os.environ.get("TUIJIN_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("TUIJIN_IMPORT_MAX_ROWS", "20000"))
# The import preview lists the problems first, then this many rows, with a count of the rest.
IMPORT_PREVIEW_ROWS = int(os.environ.get("TUIJIN_IMPORT_PREVIEW_ROWS", "100"))

# Indicator results are cached per city's data version (indicators/versions.py); 0 turns the cache off.
INDICATOR_CACHE_SECONDS = int(os.environ.get("TUIJIN_INDICATOR_CACHE_SECONDS", "600"))
# 招商引资: an open lead with no step or contact for this many days is listed on the weekly dispatch agenda.
ATTRACTION_STALLED_DAYS = int(os.environ.get("TUIJIN_ATTRACTION_STALLED_DAYS", "60"))
# One cache shared by every worker: Redis when TUIJIN_CACHE_URL is set (redis://host:6379/0; needs the `redis`
# package, `pip install tuijin[redis]`), else the database's own cache table (created by `tuijin migrate`);
# TUIJIN_CACHE_URL=locmem keeps a per-process cache (what the test suite uses).
CACHE_URL = os.environ.get("TUIJIN_CACHE_URL", "").strip()
if CACHE_URL == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tuijin",
                          "OPTIONS": {"MAX_ENTRIES": 2000}}}
elif CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "tuijin"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "tuijin_cache", "OPTIONS": {"MAX_ENTRIES": 20000}}}

# Notifications by e-mail: the console backend unless an operator configures SMTP.
EMAIL_BACKEND = os.environ.get("TUIJIN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("TUIJIN_FROM_EMAIL", "tuijin@localhost")
# SMTP (with TUIJIN_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): Django's EMAIL_* from TUIJIN_EMAIL_*.
EMAIL_HOST = os.environ.get("TUIJIN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TUIJIN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TUIJIN_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TUIJIN_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TUIJIN_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("TUIJIN_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("TUIJIN_EMAIL_TIMEOUT", "20"))

# Reminders (tuijin.reminders, `tuijin remind`): the address links point at (TUIJIN_PUBLIC_URL), how a failed delivery is retried
# (after RETRY_MINUTES, doubling each time, up to MAX_ATTEMPTS), the webhooks' timeout, and the hosts a city's
# webhooks may point at (comma-separated; empty: any host).
SITE_URL = os.environ.get("TUIJIN_PUBLIC_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"
REMINDER_MAX_ATTEMPTS = int(os.environ.get("TUIJIN_REMINDER_MAX_ATTEMPTS", "5"))
REMINDER_RETRY_MINUTES = int(os.environ.get("TUIJIN_REMINDER_RETRY_MINUTES", "15"))
REMINDER_HTTP_TIMEOUT = float(os.environ.get("TUIJIN_REMINDER_HTTP_TIMEOUT", "10"))
REMINDER_WEBHOOK_HOSTS = [h.strip().lower() for h in os.environ.get("TUIJIN_REMINDER_WEBHOOK_HOSTS", "").split(",")
                          if h.strip()]
