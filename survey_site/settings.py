"""Settings for the 满意度 service.

Everything that differs between a laptop demo and a production server comes from the
environment (see README.md). The defaults run the embedded demo on SQLite; anything unsafe
in production fails loudly instead of falling back silently.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from survey_site.env import envbool, envint, envlist, envrates

BASE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded database, the generated secret key and uploads live.
DATA_DIR = Path(os.getenv("SURVEY_DATA_DIR", BASE_DIR / "var"))

DEBUG = envbool("DEBUG", "0")


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR.

    A key kept on disk (mode 600) is as safe as one in the environment and lets the embedded
    demo and the contract's manage.py commands run on a fresh machine with no set-up. What is
    never allowed is a key that is short or a well-known placeholder.
    """
    key = os.getenv("SECRET_KEY", "")
    if not key:
        path = DATA_DIR / "secret-key"
        if not path.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(50))
        key = path.read_text().strip()
    if len(key) < 32 or key.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 random characters")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# The address printed on invitations and QR posters, e.g. https://manyidu.example.gov.cn
PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed for phones on slow links (the questionnaire: 13 KB → 3 KB); Django's
    # gzip pads each response against BREACH. After WhiteNoise, which answers static files
    # itself (precompressed), so they never reach it.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the person chose English (?lang=en, kept in a cookie): survey_site/language.py
    "survey_site.language.LanguageMiddleware",
    # A NUL in the address (PostgreSQL cannot take one), more query parameters than Django reads:
    # 404 or 400 before any look-up, in the language just chosen: survey_site/address.py
    "survey_site.address.AddressRefusedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "survey_site.urls"
WSGI_APPLICATION = "survey_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "survey_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "survey_site.language.language_switch",
            ],
        },
    },
]


def _database() -> dict:
    url = os.getenv("DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", "60"))
        if not config["ENGINE"].endswith(("postgresql", "sqlite3")):
            raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL or SQLite")
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "db.sqlite3",
        "OPTIONS": {
            # WAL lets readers (dashboards, score) run while a response is being written;
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
            # failing with "database is locked" half-way through a transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# The database cache holds up to MAX_ENTRIES entries; past that it drops the expired ones, then a
# third of the rest. At Django's default of 300, a few hundred requests through other links' tokens
# dropped the rate-limit counters of the current window (and the scores and charts cached for the
# evaluators) — a way past the limits. 10,000 is more than a window's counters from dozens of
# addresses at their limit. Its cost is Django's row count on each write: a write took 1.3 ms on
# PostgreSQL with 10,000 entries against 0.9 ms with 300, 0.08 ms on SQLite either way.
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "survey_cache",
    "OPTIONS": {"MAX_ENTRIES": 10_000},
}


def _cache() -> dict:
    # Redis where configured; the database otherwise, so that every process of a deployment
    # shares one cache without another server to run.
    redis_url = os.getenv("REDIS_URL", "")
    if redis_url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    return DATABASE_CACHE


CACHES = {"default": _cache()}

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-surveys"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "surveys.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "surveys.api.exceptions.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Evaluators' and staff's own tools: "Authorization: Token <key>" (made at /evaluate/token/
        # or in the admin); read-only: a token never writes (surveys/api/authentication.py).
        "surveys.api.authentication.ReadOnlyTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's, with JSON nested too deeply a 400, not a 500. JSON only: what the API is sent (an
    # answer sheet, a scheme) is a JSON object, which a form cannot carry.
    "DEFAULT_PARSER_CLASSES": ["surveys.api.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "满意度 API",
    "DESCRIPTION": "满意度问卷调查：提交答卷、进度、评分与报告下载。",
    "VERSION": "1.0.0",
    # /api/v1/docs/ serves Redoc from our own static files: no CDN (unreachable for many
    # users, and refused by the Content-Security-Policy below).
    "REDOC_DIST": "SIDECAR",
    # /api/v1/docs/swagger/ likewise (the split view keeps its start-up script in a file, for the CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Why a survey cannot be scored (409, surveys/api/exceptions.py), named for what it is.
    "ENUM_NAME_OVERRIDES": {
        "CannotScoreCodeEnum": ["questionnaire_incomplete", "scheme_invalid"],
        # A quota cell's (its name before the survey list's status came: kept for generated clients).
        "StatusEnum": ["behind", "met", "over"],
        "SurveyStatusEnum": ["draft", "open", "closed", "published"],
    },
}

# Security settings that only make sense behind HTTPS are switched on by SECURE_HTTPS=1.
if envbool("SECURE_HTTPS", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's probe may come over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Invitation links carry their token in the path: never tell another site which page linked to it.
SECURE_REFERRER_POLICY = "same-origin"

# Submission rate limits (surveys.ratelimit), per sender address and per invitation link:
# `ip=300/60,invitation=200/60` (requests per seconds) are the defaults; a scope not given keeps
# its default. Raised for a load test, or where a county's answers arrive through one address.
SUBMISSION_RATE_LIMITS = envrates("SUBMISSION_RATE_LIMITS", ("ip", "invitation"))

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is refused (HTTP 429) for AXES_COOLOFF_MINUTES. Attempts are counted in the
# cache (Redis or the database cache, above) under hashed keys, so no address or user agent is
# ever written to a table. The combination keeps one office behind a shared address usable
# while someone guesses another colleague's password.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same address the submission rate limits use (surveys.ratelimit.client_address).
AXES_CLIENT_IP_CALLABLE = "surveys.ratelimit.client_address"
# Reverse proxies in front of the service (nginx: 1). With 0, the sender's address is REMOTE_ADDR;
# behind a proxy that would be the proxy's for everyone (one person's failed logins would lock
# the account for all), so set it: the address is then read from X-Forwarded-For.
NUM_PROXIES = envint("NUM_PROXIES", "0")
AXES_COOLOFF_MESSAGE = "登录失败次数过多，请稍后再试。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，请联系管理员。"
# The refusal as a page of the site, in the person's language, saying for how long.
AXES_LOCKOUT_CALLABLE = "survey_site.lockout.lockout_response"
# Attempts live in the cache, not in axes' tables: keep those tables out of the admin.
AXES_ENABLE_ADMIN = False

# Content-Security-Policy (django-csp): scripts only from our own static files (the pages keep
# their data in <script type="application/json"> blocks, which are not run). Inline *styles* stay
# allowed: the progress bars set widths in style attributes, and Django's admin and Redoc inject
# styles; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "survey_site.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
