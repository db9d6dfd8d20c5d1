"""Filters of the log: each refused request is one line (kehoach.middleware.RefusedAccessLogMiddleware
writes it, with who asked), not Django's own line and traceback besides it."""

from __future__ import annotations

import logging

# The refusals the access log writes in one line (kehoach.middleware.RefusedAccessLogMiddleware):
# 400 bad input, 403 forbidden, 404 not found (another unit's object answers 404, not to reveal it
# exists), 405 wrong method, 429 locked out by too many failed logins. Here, not in the middleware,
# because the log is configured before the apps are ready.
REFUSED = frozenset({400, 403, 404, 405, 429})


class RefusalLoggedOnce(logging.Filter):
    """On `django.request`: drop a refusal, already in the access log in one line; server errors
    (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) not in REFUSED


class WithoutTraceback(logging.Filter):
    """On the console: a suspicious request (a forged host, a broken session) keeps its line
    saying what was suspicious, without the traceback, which says only where Django noticed it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # On the handler, not the logger: a logger's filter misses its children's records
        # (django.security.DisallowedHost).
        if getattr(record, "status_code", None) in REFUSED:
            record.exc_info = None
            record.exc_text = None
        return True
