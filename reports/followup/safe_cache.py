"""Django's cache, read and written so that a cache that fails is only a cache that misses.

The pages kept in the cache (the board, funds) are drawn from the database whenever their entry
cannot be read, and simply not kept when it cannot be written: the database cache's table may be
locked, missing before `createcachetable`, or its server gone for a moment. Each failure is logged
with what was being read or written, never shown to the user.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)


def cache_get(key: str, what: str):
    """The entry under `key`, or None when there is none or the cache cannot be read; `what` names
    it in the log ("bảng theo dõi")."""
    try:
        return cache.get(key)
    except DatabaseError:
        logger.warning(
            "Không đọc được bộ nhớ đệm (%s); số liệu được đọc lại từ cơ sở dữ liệu.", what, exc_info=True
        )
        return None


def cache_set(key: str, value, what: str) -> None:
    """Keep `value` under `key`, or nothing when the cache cannot be written."""
    try:
        cache.set(key, value)
    except DatabaseError:
        logger.warning("Không ghi được bộ nhớ đệm (%s).", what, exc_info=True)
