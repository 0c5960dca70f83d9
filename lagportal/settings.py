"""LAG Portal settings: one module, every value from the environment.

The defaults suit a development machine (a local PostGIS database, mail written to files).
A deployment sets the variables listed in the README; `manage.py check --deploy` is clean
when it does.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), not {value!r}")


def env_int(name, default=0):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The development key is deliberately marked insecure: `check --deploy` flags it (security.W009)
# so a deployment that forgot SECRET_KEY cannot pass its checks.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-only-key-do-not-deploy"

# The site's address as people reach it (https://…, no trailing slash), for links in emails sent by
# the task worker. Required in production (`check --deploy` says so); in development, left empty,
# emails link to the address the request that queued them came in on.
SITE_URL = env_str("SITE_URL").rstrip("/")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lagportal.admin_site.PortalAdminConfig",  # django.contrib.admin, with the portal's home page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "leaflet",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "lagportal",
    "lagportal.lib",
    "accounts",
    "groups",
    "species",
    "volunteering",
    "toolkit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lagportal.lib.mail.RememberSiteAddress",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Last, so that its 400 page passes through the others (security headers, the CSP).
    "lagportal.middleware.RefuseNulCharacters",
]

ROOT_URLCONF = "lagportal.urls"
WSGI_APPLICATION = "lagportal.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/lagportal"),
        engine="django.contrib.gis.db.backends.postgis",
    )
}
# A database host that accepts connections but never answers would otherwise hold a request (or a
# pool's worker) for minutes; a URL's own ?connect_timeout= wins.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
# The species search's `%>` (species.models.SpeciesQuerySet.search) keeps names at least this similar,
# word by word. PostgreSQL's 0.6 misses one typo in a single word ("himalyan" is 0.58 of "himalayan");
# 0.5 finds it, and results are ordered best match first.
# JIT compilation costs more than it saves on the portal's short queries: with it, a coordinator's
# sightings list (a spatial EXISTS per row) took 0.90 s against 0.35 s without (docs/benchmarks.md).
DATABASES["default"]["OPTIONS"].setdefault("options", "-c pg_trgm.word_similarity_threshold=0.5 -c jit=off")
# Django's psycopg pool instead of a new connection per request (~10 ms each on this machine,
# see STACK-NOTES). The pool requires CONN_MAX_AGE = 0.
if env_bool("DATABASE_POOL", True):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
        # A sync worker holds at most one connection, so it waits here only while one opens (a few
        # ms) or when the database is unreachable: then the 503 page after 3 s, not a held worker.
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = not DATABASES["default"].get("OPTIONS", {}).get("pool")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Redis when REDIS_URL is set, so rate limits and caches are shared by every app server;
# local memory otherwise (one process only). While Redis is unreachable each process falls back to
# its own memory (lagportal/lib/cache.py): pages get slower, never fail, and rate limits still count.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lagportal.lib.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lagportal",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "CIRCUIT_BREAKER_SECONDS": 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# No page tells whether an address has an account (OWASP ASVS): password reset answers every
# address alike and mails an unknown one "no account with this address"; a sign-up with a known
# address gets the same page as a new one while its owner is mailed "you already have an account";
# an email change to someone else's address looks like any other and never takes it.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# Sign-up asks for a name, and hashes the password of a known address too, so it takes as long as
# a new one; the others put allauth's labels in sentence case (sign-in also fills in the address
# just confirmed).
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming signs the person in only in the browser session that just gave the password (signing
# up, or signing in before confirming), within ACCOUNT_LOGIN_TIMEOUT (15 minutes): the link alone,
# opened anywhere else or later, confirms the address and asks for the password.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's subjects get the portal's prefix from AccountAdapter.format_email_subject, translated.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env_bool("SECURE_SSL_REDIRECT", False) else "http"
# allauth's defaults, kept explicit. They live in the cache above, so they hold across app servers;
# while Redis is down each process counts on its own (at most N times looser with N processes).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/180s/key",
    # The contact form (lagportal/pages.py): per address too, as each message acknowledges to it.
    "contact": "5/h/ip,3/h/key",
    # Writes through the API (accounts/api_auth.py), per personal token: a day's field records can be
    # sent at once, a runaway app cannot flood the verifiers.
    "api_write": "20/m/key,200/h/key",
    # Sightings reported without signing in (species/report_views.py): per address too, as each gets
    # a receipt. A school's or a field trip's shared connection still gets ten an hour.
    "report_sighting": "10/h/ip,5/h/key",
    # Sightings reported while signed in, per account: far more than a keen recorder's hour in the
    # field, but each report may email NNSS staff, so no account can flood them.
    "report_sighting_signed_in": "30/h/user",
    # Subscribing to the NNSS mailing list (toolkit/views_mailing.py): each asks for a confirmation
    # email, so per address too, and the same answer for every address.
    "mailing_list_subscribe": "10/h/ip,3/h/key",
}
USERSESSIONS_TRACK_ACTIVITY = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# The toolkit's files, never served from a folder: only through the download view (toolkit/storage.py).
TOOLKIT_FILES_ROOT = Path(env_str("TOOLKIT_FILES_ROOT", str(BASE_DIR / "var" / "toolkit-files")))
# The largest file a toolkit resource may have: the admin refuses a bigger upload.
TOOLKIT_MAX_UPLOAD_MB = env_int("TOOLKIT_MAX_UPLOAD_MB", 25)
# Mailing list sign-ups never confirmed are forgotten this many days after they were asked
# (`manage.py forget_unconfirmed_subscribers`): the confirmation link works until then.
MAILING_LIST_UNCONFIRMED_DAYS = env_int("MAILING_LIST_UNCONFIRMED_DAYS", 30)
if MAILING_LIST_UNCONFIRMED_DAYS < 1:
    raise ImproperlyConfigured(
        f"MAILING_LIST_UNCONFIRMED_DAYS must be at least 1, not {MAILING_LIST_UNCONFIRMED_DAYS}"
    )
# Volunteering. A place freed at an event is offered to the first on its waiting list for
# VOLUNTEERING_OFFER_HOURS, but never later than VOLUNTEERING_OFFER_CUTOFF_HOURS before the start;
# a place freed closer to the start than that goes straight to the next person.
VOLUNTEERING_OFFER_HOURS = env_int("VOLUNTEERING_OFFER_HOURS", 24)
VOLUNTEERING_OFFER_CUTOFF_HOURS = env_int("VOLUNTEERING_OFFER_CUTOFF_HOURS", 6)
# Reminders go to everyone with a place this many hours before the event (`volunteering_tick`).
VOLUNTEERING_REMINDER_HOURS = env_int("VOLUNTEERING_REMINDER_HOURS", 24)
# Phone numbers and emergency contacts on registers are erased this many months after the event
# (`erase_event_contacts`); totals and anonymised attendance stay.
VOLUNTEERING_CONTACT_RETENTION_MONTHS = env_int("VOLUNTEERING_CONTACT_RETENTION_MONTHS", 12)
for _name in ("VOLUNTEERING_OFFER_HOURS", "VOLUNTEERING_REMINDER_HOURS", "VOLUNTEERING_CONTACT_RETENTION_MONTHS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {globals()[_name]}")
if VOLUNTEERING_OFFER_CUTOFF_HOURS < 0:
    raise ImproperlyConfigured("VOLUNTEERING_OFFER_CUTOFF_HOURS must not be negative")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Tests render pages without running collectstatic first.
WHITENOISE_MANIFEST_STRICT = False

# Widgets render with the site's templates (templates/ first), so the admin's widgets can be the
# portal's own (labelled date and time inputs, the formatting guide, maps): needs "django.forms".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LAG Portal <noreply@lagportal.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who the public pages name: the GB Non-native Species Secretariat (also where the contact form goes
# while nobody holds the national LAG Coordinator's permission) and the data protection contact.
# The defaults are placeholders: `check --deploy` flags them (lagportal.W001).
NNSS_CONTACT_EMAIL = env_str("NNSS_CONTACT_EMAIL", "nnss@lagportal.localhost")
DATA_PROTECTION_EMAIL = env_str("DATA_PROTECTION_EMAIL", NNSS_CONTACT_EMAIL)
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    # Development: each message is written as a file a person can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))

# --- Background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Maps -----------------------------------------------------------------------------------
# No tile server is reachable from the development machines: polygons draw on a plain
# background unless MAP_TILES_URL is set (its host is then allowed by the CSP below).
MAP_TILES_URL = env_str("MAP_TILES_URL")
MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (54.5, -3.0),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 16,
    "TILES": [("Map", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})] if MAP_TILES_URL else [],
    "RESET_VIEW": False,
}

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

_tile_sources = []
if MAP_TILES_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILES_URL.replace("{s}", "a"))
    _tile_sources = [f"{_tiles.scheme}://{_tiles.netloc.replace('a.', '*.', 1)}"]

# No inline script anywhere: the few inline blocks third-party templates emit (django-leaflet's
# map setup) carry the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_sources],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# gis.W001: Debian 12's GDAL 3.6.2 cannot block file and network access while parsing spatial
# reference text, and no newer GDAL exists for it. User input reaches GDAL in two places, and
# neither lets a spatial reference through:
# - Uploaded files (lagportal/lib/gisfiles.py): a GeoJSON `crs` or a shapefile's .prj is read as
#   text by the portal and mapped to an allow-listed EPSG code (projections.py), or the file is
#   refused; GeoJSON is parsed without GDAL, a shapefile is given to GDAL without its .prj, KML
#   (always WGS84) with a DOCTYPE is refused, and coordinates are transformed from
#   SpatialReference(<that code>).
# - Map widgets' GeoJSON (GEOSGeometry): Django refuses a `crs` of type link or url, and lets
#   through only names that GDAL resolves from the local PROJ database.
# Everything else GDAL opens is the portal's own data (data/, loaded by management commands).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SITE_NAME = "LAG Portal"
