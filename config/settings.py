"""Django settings for Skillcommons, read from the environment.

Two modes:

* development (the default): SQLite in ``data/``, a secret key generated once and kept in
  ``data/secret_key``, console e-mail, DEBUG on unless ``DEBUG=0``.
* production (``SKILLCOMMONS_MODE=production``): ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required,
  cookies are secure, HTTPS is enforced and HSTS is sent.

The Content-Security-Policy and the other security headers are sent in both modes, so a page that
would break under the production policy breaks on the developer's machine first.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


MODE = os.environ.get("SKILLCOMMONS_MODE", "development").strip().lower()
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured("SKILLCOMMONS_MODE must be 'development' or 'production'.")
PRODUCTION = MODE == "production"

DATA_DIR = Path(os.environ.get("SKILLCOMMONS_DATA_DIR", BASE_DIR / "data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SKILLCOMMONS_MODE=production.")
    # Development: generate once and keep it, so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when SKILLCOMMONS_MODE=production.")


def _badges_key_encryption_keys() -> list[str]:
    """Fernet keys that encrypt issuers' private signing keys at rest; the first encrypts, all
    decrypt (so the key can be rotated). Required in production; generated once in development."""
    keys = env_list("BADGES_KEY_ENCRYPTION_KEYS", [])
    if keys:
        return keys
    if PRODUCTION:
        raise ImproperlyConfigured(
            "BADGES_KEY_ENCRYPTION_KEYS must be set when SKILLCOMMONS_MODE=production."
        )
    from cryptography.fernet import Fernet

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "badges_key_encryption_key"
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode(), encoding="utf-8")
        key_file.chmod(0o600)
    return [key_file.read_text(encoding="utf-8").strip()]


BADGES_KEY_ENCRYPTION_KEYS = _badges_key_encryption_keys()

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the site, used in e-mails, exports and (later) credentials.
SITE_URL = os.environ.get("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.mediawiki",
    "csp",
    "ninja",
    "skillcommons.core",
    "skillcommons.accounts",
    "skillcommons.taxonomy",
    "skillcommons.organizations",
    "skillcommons.search",
    "skillcommons.needs",
    "skillcommons.exchange",
    "skillcommons.badges",
    "skillcommons.notifications",
    "django_tasks",
    "django_tasks_db",
    "skillcommons.library",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "skillcommons.core.middleware.UselangMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skillcommons.core.context_processors.site",
                "skillcommons.notifications.context_processors.inbox",
            ],
        },
    },
]

# Database: SQLite (WAL) in the data folder unless DATABASE_URL names another database.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES: dict[str, Any] = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "skillcommons.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue instead of failing with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                    " PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: local accounts by username or e-mail, plus "Sign in with Wikimedia".
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "skillcommons.accounts.adapters.SocialAccountAdapter"
MEDIAWIKI_CLIENT_ID = os.environ.get("MEDIAWIKI_CLIENT_ID", "")
MEDIAWIKI_CLIENT_SECRET = os.environ.get("MEDIAWIKI_CLIENT_SECRET", "")
MEDIAWIKI_REST_API = os.environ.get("MEDIAWIKI_REST_API", "https://meta.wikimedia.org/w/rest.php")
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {
    "mediawiki": {
        "REST_API": MEDIAWIKI_REST_API,
        "USERPAGE_TEMPLATE": os.environ.get(
            "MEDIAWIKI_USERPAGE_TEMPLATE", "https://meta.wikimedia.org/wiki/User:{username}"
        ),
        # Wikimedia's User-Agent policy asks tools to name themselves and a contact.
        "USER_AGENT": os.environ.get(
            "MEDIAWIKI_USER_AGENT",
            "Skillcommons/0.1 (https://github.com/skillcommons/skillcommons)",
        ),
        "APPS": (
            [
                {
                    "client_id": MEDIAWIKI_CLIENT_ID,
                    "secret": MEDIAWIKI_CLIENT_SECRET,
                    "settings": {},
                }
            ]
            if MEDIAWIKI_CLIENT_ID
            else []
        ),
    }
}
_mediawiki_origin = "/".join(MEDIAWIKI_REST_API.split("/", 3)[:3])
WIKIMEDIA_SIGNIN_ENABLED = bool(MEDIAWIKI_CLIENT_ID and MEDIAWIKI_CLIENT_SECRET)

# E-mail: printed to the console locally, SMTP from EMAIL_URL-style settings in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Skillcommons <noreply@localhost>")

# Background work (django-tasks): notification e-mails are sent by a task queued on commit.
# Development and tests run tasks at once, inside the request (ImmediateBackend); production
# queues them in the database (django-tasks-db) for the worker `manage.py db_worker` (see
# README). TASKS_BACKEND names another backend class to override either.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# Languages of the interface. Codes are Django's (lower case); the catalogs live in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt-br", "Português (Brasil)"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("hi", "हिन्दी"),
]
LANGUAGES_BIDI = ["ar", "fa", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "skillcommons_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

# Requests are small forms and JSON; refuse anything larger before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers. CSP in both modes: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Signing in with Wikimedia posts to this site, which redirects to the wiki's OAuth page.
        "form-action": [SELF, _mediawiki_origin],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Limits shared by forms and the API.
SKILLCOMMONS = {
    "MAX_BIO_LENGTH": 5000,
    "MAX_SHORT_TEXT": 200,
    "MAX_MENTORING_CAPACITY": 50,
    "API_PAGE_SIZE": 50,
    "API_MAX_PAGE_SIZE": 200,
}

SITE_NAME = _("Skillcommons")

# Needs assessment: the key of the per-wave respondent pseudonyms (HMAC). Changing it changes every
# pseudonym; without it set, one is derived from SECRET_KEY (a distinct salt keeps them apart).
NEEDS_PSEUDONYM_SECRET = os.environ.get("NEEDS_PSEUDONYM_SECRET", "") or SECRET_KEY
