"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin classes patch in.
    "modeltranslation",
    "core.apps.PortalAdminConfig",  # django.contrib.admin on the portal's own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django_countries",
    "simple_history",
    "import_export",
    "csp",
    "allauth",
    "allauth.account",
    "climateportal",
    "core",
    "accounts",
    "missions",
    "consultations",
    "reports",
    "api",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "climateportal.urls"
WSGI_APPLICATION = "climateportal.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every process, so an edit or an import from any process (web, worker,
# command line) makes every process's cached pages stale. REDIS_URL selects Redis, whose
# outages degrade to a per-process cache instead of errors (core/cache.py); without it, the
# database cache (its table is created by core's migration 0001) is the embedded default.
# Admin imports keep the uploaded file between preview and confirm in the database either
# way ("import_files"), so a Redis outage or another web process cannot lose it.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "climateportal"),
            # Seconds to leave Redis alone after it failed; socket timeouts are set short.
            "OPTIONS": {"RETRY_AFTER": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
CACHES["import_files"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "portal_import_files",
    "TIMEOUT": 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 200},
}

# Celery: with no REDIS_URL, tasks run in-process (embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"

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
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "missions:home"
LOGOUT_REDIRECT_URL = "missions:home"

# allauth: email is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("DJANGO_HTTP_PROTOCOL", "http")
# Rate limits (backed by the cache) also protect the admin, whose login goes through allauth.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "confirm_email": "3/3m/key",
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_URL"):
    # smtp://user:password@host:587 — parsed here to keep secrets out of the code.
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme in {"smtp+tls", "submission"} or EMAIL_PORT == 587

# Internationalisation: English is the default language and the fallback for content.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("el", _("Greek")),
    ("pl", _("Polish")),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "el", "pl")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Athens"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_FORMATS = [
    "import_export.formats.base_formats.CSV",
    "import_export.formats.base_formats.XLSX",
    "import_export.formats.base_formats.JSON",
]
# Limits of an imported file (admin and command line), enforced while it is read.
PORTAL_IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
PORTAL_IMPORT_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS", "100000"))

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

PORTAL_PAGE_SIZE = 12

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# The admin's language tabs (modeltranslation) use jQuery UI, served from our own static files
# because the CSP allows scripts from this site only.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# How many reverse proxies (setting X-Forwarded-For) stand in front of the app: the client's
# address for rate limits is then taken from that header (0: use the connection's address).
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = PORTAL_TRUSTED_PROXY_COUNT

# Consultation results are recounted at most this often (seconds); 0 recounts on every visit.
CONSULTATION_RESULTS_CACHE_SECONDS = int(os.environ.get("CONSULTATION_RESULTS_CACHE_SECONDS", "60"))

# Consultations: at most N submissions per IP address (kept as a salted hash) per window (s).
CONSULTATION_SUBMISSION_RATE = (
    int(os.environ.get("CONSULTATION_RATE_LIMIT", "20")),
    int(os.environ.get("CONSULTATION_RATE_WINDOW", "600")),
)

# Progress reports (Celery). A report that takes longer than the hard limit is killed; the
# broker's visibility timeout must outlast it, or Redis would hand the task out twice.
REPORTS_SOFT_TIME_LIMIT = int(os.environ.get("REPORTS_SOFT_TIME_LIMIT", "120"))
REPORTS_HARD_TIME_LIMIT = int(os.environ.get("REPORTS_HARD_TIME_LIMIT", "180"))
REPORTS_SWEEP_QUEUED_AFTER = int(os.environ.get("REPORTS_SWEEP_QUEUED_AFTER", "120"))
REPORTS_MAX_ATTEMPTS = int(os.environ.get("REPORTS_MAX_ATTEMPTS", "5"))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_MAX_MEMORY_KB", "400000"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": REPORTS_HARD_TIME_LIMIT * 4}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "monthly-progress-reports": {
        "task": "reports.tasks.request_monthly_reports",
        # 04:00 on the first day of each month
        "schedule": crontab(minute=0, hour=4, day_of_month=1),
    },
    "sweep-progress-reports": {
        "task": "reports.tasks.sweep_reports",
        "schedule": 60.0,
    },
}

# --------------------------------------------------------------------------------------------
# API and open data (api/): Django REST framework + drf-spectacular, CORS for reads.
# --------------------------------------------------------------------------------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "corsheaders"]
# corsheaders must come before any middleware that may answer by itself (WhiteNoise, Common).
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
# Absolute links (feeds, calendars, the API, the DCAT catalogue) start with this.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.APITokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOrTokenWrite"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ClientRateThrottle"],
    # Requests per client (an IP address without a token, else the token); empty: no limit.
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": os.environ.get("DJANGO_API_RATE_ANONYMOUS", "120/minute") or None,
        "token": os.environ.get("DJANGO_API_RATE_TOKEN", "600/minute") or None,
    },
    # The client's address, as the consultations' rate limit takes it (never a forged header).
    "NUM_PROXIES": PORTAL_TRUSTED_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.views.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Climate Mission Portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVERS": [{"url": PORTAL_BASE_URL.rstrip("/")}],
    "PREPROCESSING_HOOKS": ["api.schema.only_the_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_common_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MilestoneStatusEnum": "missions.models.MilestoneStatus",
        "MilestoneKindEnum": "missions.models.MilestoneKind",
        "DatePrecisionEnum": "missions.models.DatePrecision",
        "LanguageEnum": "api.language.LANGUAGE_CHOICES",
    },
}
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]  # reads only: writes come from servers
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-modified-since", "if-none-match"]
CORS_EXPOSE_HEADERS = ["Content-Language", "ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400
# The publisher named in the open-data catalogue (DCAT-AP).
OPEN_DATA_PUBLISHER = os.environ.get("DJANGO_OPEN_DATA_PUBLISHER", "Climate Mission Portal")
# --- end of API and open data ---------------------------------------------------------------

# --- Email updates and staff reminders (notifications) --------------------------------------
# Any django-anymail backend: DJANGO_EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend, and its
# settings as ANYMAIL_<SETTING> environment variables (e.g. ANYMAIL_MAILGUN_API_KEY).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
# Seconds before a mail server that stopped answering is given up on (None would wait forever).
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
NOTIFICATIONS_SUBJECT_PREFIX = os.environ.get(
    "NOTIFICATIONS_SUBJECT_PREFIX", "[Climate Mission Portal] "
)
# A mailbox whose messages you process as unsubscribe requests, offered beside the one-click
# link in List-Unsubscribe; empty: the link only.
NOTIFICATIONS_UNSUBSCRIBE_MAILTO = os.environ.get("NOTIFICATIONS_UNSUBSCRIBE_MAILTO", "")
# Sign-ups per IP address (kept as a salted hash) per window (s), and sign-up emails to one
# address per window (s): the form cannot be used to flood someone's mailbox.
NOTIFICATIONS_SIGNUP_RATE = (
    int(os.environ.get("NOTIFICATIONS_SIGNUP_LIMIT", "10")),
    int(os.environ.get("NOTIFICATIONS_SIGNUP_WINDOW", "3600")),
)
NOTIFICATIONS_ADDRESS_RATE = (3, 3600)
# Days a confirmation link works; an address never confirmed is deleted after them.
NOTIFICATIONS_CONFIRM_DAYS = int(os.environ.get("NOTIFICATIONS_CONFIRM_DAYS", "3"))
# Weekly digests and staff reminders start on this weekday (0 = Monday) at this hour, local
# time: "0,7" is Monday 07:00.
NOTIFICATIONS_WEEKLY_AT = tuple(
    int(part) for part in os.environ.get("NOTIFICATIONS_WEEKLY_AT", "0,7").split(",")
)
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", "500"))
NOTIFICATIONS_MAX_ITEMS = 50  # items in one email; the rest are counted, with a link
NOTIFICATIONS_LOOKBACK_DAYS = 7  # consultations closed longer ago are not announced
# The weekly jobs are checked every hour: each sends once per period (from Monday 07:00), so a
# run missed while the worker was down catches up within the hour instead of a week later.
CELERY_BEAT_SCHEDULE |= {
    "notifications-updates": {"task": "notifications.tasks.send_updates", "schedule": 300.0},
    "notifications-weekly-digests": {
        "task": "notifications.tasks.send_weekly_digests",
        "schedule": crontab(minute=5),
    },
    "notifications-staff-reminders": {
        "task": "notifications.tasks.send_staff_reminders",
        "schedule": crontab(minute=20),
    },
}
# --- end of email updates and staff reminders -----------------------------------------------

# --- Accounts people can trust: MFA, sessions, passwords, audit log, headers ----------------
# Two-factor authentication (django-allauth's MFA): an authenticator app (TOTP), recovery
# codes and passkeys (WebAuthn); staff and officials must set one up before the admin and the
# reports open (accounts.middleware.RequireMFAMiddleware). "Sign out everywhere" is
# allauth.usersessions (/<lang>/accounts/sessions/).
INSTALLED_APPS.insert(INSTALLED_APPS.index("allauth.account") + 1, "allauth.mfa")
INSTALLED_APPS.insert(INSTALLED_APPS.index("allauth.mfa") + 1, "allauth.usersessions")
# Answered before anything else: CSP reports come without cookies or CSRF tokens.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "core.middleware.CSPReportMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.CSPReportMiddleware") + 1,
    "core.middleware.PermissionsPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.middleware.StaffSessionIdleMiddleware",
)
MIDDLEWARE.append("accounts.middleware.RequireMFAMiddleware")

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Climate Mission Portal"
# Off only in the test settings, for the tests that sign staff in without an authenticator
# (deliberately no environment variable: a deployment cannot switch it off by mistake).
PORTAL_MFA_REQUIRED = True
PORTAL_MFA_PROTECTED_NAMESPACES = ["admin", "reports"]


def _webauthn_rp_id() -> str:
    """Passkeys belong to this domain (the relying party): DJANGO_WEBAUTHN_RP_ID, else the host
    of PORTAL_BASE_URL; never an IP address (browsers refuse one; the request's host is used)."""
    import ipaddress
    from urllib.parse import urlsplit

    host = os.environ.get("DJANGO_WEBAUTHN_RP_ID") or urlsplit(PORTAL_BASE_URL).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return ""


PORTAL_WEBAUTHN_RP_ID = _webauthn_rp_id()

# Sessions: every session lasts at most SESSION_COOKIE_AGE; a staff session also ends after
# this many seconds without a request.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
PORTAL_STAFF_SESSION_IDLE_SECONDS = int(
    os.environ.get("DJANGO_STAFF_SESSION_IDLE_SECONDS", str(30 * 60))
)

# Passwords: at least 12 characters, not a common one (Django's list of 20,000), not one
# character or a short piece repeated, not all digits, not close to the account's details.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.RepeatedCharactersValidator"},
]

# The audit log keeps entries this many days; reports are deleted (with their files) after
# REPORTS_RETENTION_DAYS. Both by the beat tasks below.
AUDIT_LOG_RETENTION_DAYS = int(os.environ.get("DJANGO_AUDIT_LOG_RETENTION_DAYS", "730"))
REPORTS_RETENTION_DAYS = int(os.environ.get("REPORTS_RETENTION_DAYS", "365"))
CELERY_BEAT_SCHEDULE |= {
    "prune-audit-log": {
        "task": "reports.tasks.prune_audit_log",
        "schedule": crontab(minute=30, hour=3),
    },
}

# Browser features the site may use (none but passkeys and full screen), and where browsers
# report what the Content Security Policy blocked (logged as warnings).
PORTAL_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
PORTAL_CSP_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [PORTAL_CSP_REPORT_PATH]
# --- end of accounts people can trust -------------------------------------------------------

# --- The portal's pages (pages/): about the Mission, accessibility, privacy, contact --------
INSTALLED_APPS += ["pages"]
# Where visitors write about the portal, its accessibility and their personal data; the pages
# show it wherever their text says [[contact-email]].
PORTAL_CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "portal@localhost")
# --- end of the portal's pages --------------------------------------------------------------
