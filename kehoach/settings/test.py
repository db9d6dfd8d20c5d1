"""Settings for the test suite. DATABASE_URL still chooses SQLite or PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ["DEBUG"] = "false"

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, DATABASES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The manifest storage needs collectstatic first, and breaks static files under the live server.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Scratch space of the suite; git ignores it, so a fresh clone has to create it.
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "test-media"
# Serve static files from the apps' folders, as the live server in browser tests needs.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file, not SQLite's shared in-memory database: concurrent tests need real locking and timeouts.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test process, so that two suites run at once do not share (and corrupt) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
