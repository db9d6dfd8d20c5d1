"""Settings shared by every environment.

Every value that differs between machines is read from the environment through django-environ;
`local.py`, `test.py` and `production.py` only change defaults, never add code paths.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file beside manage.py is read if present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "kehoach.urls"
WSGI_APPLICATION = "kehoach.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Applications
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "kehoach.apps.AxesConfig",
    "csp",
    "kehoach",
    "tasks",
    "reports",
    "kehoach.backup",
    "kehoach.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the others, so that every page gets both headers, refusals and error pages included.
    "csp.middleware.CSPMiddleware",
    "kehoach.middleware.PermissionsPolicyMiddleware",
    # Outside the others, so that it sees every refusal, the login middleware's and axes' included.
    "kehoach.middleware.RefusedAccessLogMiddleware",
    "kehoach.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every page needs a login but those marked @login_not_required (the login page).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

# A field at fault is marked with aria-invalid and the class "invalid" (kehoach.forms).
FORM_RENDERER = "kehoach.forms.FormRenderer"

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
                "kehoach.context_processors.site",
                "reports.context_processors.navigation",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
# SQLite in the project folder unless DATABASE_URL names another server (PostgreSQL in production).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let several requests share the file; IMMEDIATE takes the write lock
    # at the start of a transaction, so two writers wait instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "tasks.User"
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lock on username and address together: one office behind one address must not lock itself out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kehoach.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "kehoach.middleware.axes_client_ip"
AXES_USERNAME_CALLABLE = "kehoach.middleware.axes_username"
# How many proxies in front of the application append to X-Forwarded-For (the README's nginx: 1).
# The client's address is read that many entries from the end; 0 trusts no header at all.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# ------------------------------------------------------------------------------
# Internationalisation: everything a user reads is Vietnamese
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kehoach.formats"]

# ------------------------------------------------------------------------------
# Static and uploaded files
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# No URL route serves MEDIA_ROOT: uploads go out only through views that check who asks.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest evidence file or spreadsheet a user may upload, in bytes.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# ------------------------------------------------------------------------------
# E-mail
# ------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Sở KH&CN Đồng Nai <khoahoc@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Site address used in mails and calendar feeds, where no request tells it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The heading of the documents the department issues (Nghị định 30/2020/NĐ-CP): the governing
# authority (cơ quan chủ quản) and the issuing body, in capitals as printed.
DOCUMENT_AUTHORITY = env("DOCUMENT_AUTHORITY", default="UBND TỈNH ĐỒNG NAI")
DOCUMENT_ISSUER = env("DOCUMENT_ISSUER", default="SỞ KHOA HỌC VÀ CÔNG NGHỆ")
# The issuing body as named in a sentence (“... của Sở Khoa học và Công nghệ”).
DOCUMENT_ISSUER_NAME = env("DOCUMENT_ISSUER_NAME", default="Sở Khoa học và Công nghệ")
# The issuing body's code in document symbols: a report is "Số: …/BC-SKHCN".
DOCUMENT_ISSUER_CODE = env("DOCUMENT_ISSUER_CODE", default="SKHCN")
# Plan files `manage.py load_plan` reads when given none (docs/plan-files.md).
PLAN_FILES_DIR = env.path("PLAN_FILES_DIR", default=BASE_DIR / "fixtures" / "plans")
# What the application calls itself in page titles, mails and calendar files.
SITE_NAME = env("SITE_NAME", default="Theo dõi thực hiện kế hoạch")
SITE_OWNER = env("SITE_OWNER", default="Sở Khoa học và Công nghệ tỉnh Đồng Nai")

# ------------------------------------------------------------------------------
# Reminders (đôn đốc): `manage.py send_reminders`, run daily by cron
# ------------------------------------------------------------------------------
# Days before a period's deadline on which a unit that still owes reports is reminded.
REMINDER_OFFSETS = sorted(
    {int(days) for days in env.list("REMINDER_OFFSETS", default=["14", "7", "3", "1"])}, reverse=True
)
# Once overdue, a reminder every this many days while the period stays open.
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=7)
# A unit reminded by hand less than this many minutes ago is not reminded again (double clicks).
REMINDER_MANUAL_PAUSE_MINUTES = env.int("REMINDER_MANUAL_PAUSE_MINUTES", default=10)

# ------------------------------------------------------------------------------
# Import and export (django-import-export)
# ------------------------------------------------------------------------------
# Without these, any staff user may import and export (docs/domain.md, "Library traps"): each needs its own permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# The file previewed and the file confirmed may reach different app servers: keep it in shared storage.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# Largest sheet accepted for import, in data rows.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Largest size an XLSX may unpack to (its XML), in bytes: a zip bomb is refused before it is read.
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)

# ------------------------------------------------------------------------------
# Security headers common to every environment
# ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "kehoach.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# ------------------------------------------------------------------------------
# Content-Security-Policy (django-csp) and Permissions-Policy
# ------------------------------------------------------------------------------
# Every page loads its scripts, styles, images and fonts from this site only, and runs no inline
# script or style: no page or template carries one (tests/security/test_headers.py), so neither a
# nonce nor 'unsafe-inline' is needed. A response that sets its own policy keeps it (evidence
# downloads: "default-src 'none'; sandbox").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Browser features the application never uses, refused to every page and anything it could embed
# (kehoach.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
    "browsing-topics": [],
}

# The history of changes is an audit trail: read in the admin, never reverted from it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# ------------------------------------------------------------------------------
# Logging
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "refusal_logged_once": {"()": "kehoach.logfilters.RefusalLoggedOnce"},
        "without_traceback": {"()": "kehoach.logfilters.WithoutTraceback"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # A refused request is one line of kehoach.access (kehoach.middleware), not Django's line and
        # traceback besides it; a server error (5xx) keeps its traceback. A suspicious request
        # (django.security.*) keeps its line, without the traceback (the console's filter).
        "django.request": {"filters": ["refusal_logged_once"]},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Axes logs every start at INFO; its warnings (lockouts, failed logins) still show.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# ------------------------------------------------------------------------------
# Cache: shared by every app server (the board's cache, reports.followup.board_cache)
# ------------------------------------------------------------------------------
# By default a table of the database (`migrate` creates it); any shared store Django supports may
# replace it (e.g. redis://…). Never a per-process cache: app servers must see the same entries.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://kehoach_cache")}
CACHES["default"].setdefault("TIMEOUT", env.int("CACHE_TIMEOUT", default=24 * 60 * 60))
CACHES["default"].setdefault("OPTIONS", {}).setdefault(
    "MAX_ENTRIES", env.int("CACHE_MAX_ENTRIES", default=1000)
)
