"""What the pages kept in Django's cache share: the cache read and written so that a cache that
fails is only a cache that misses, and the digest of the code that draws an entry.

The pages kept in the cache (the board, funds) are drawn from the database whenever their entry
cannot be read, and simply not kept when it cannot be written: the database cache's table may be
locked, missing before `createcachetable`, or its server gone for a moment. Each failure is logged
with what was being read or written, never shown to the user.

An entry's key holds a digest of the code that drew it (`code_digest`), so that an entry drawn by
another version (a server not yet restarted after an upgrade, sharing the cache) is never served.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import zlib
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError
from django.utils.safestring import mark_safe

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


@functools.cache
def code_digest(templates: tuple[str, ...], modules: tuple[str, ...]) -> str:
    """A digest of the sources of `templates` (names) and `modules` (dotted paths), read once a
    process."""
    import importlib

    from django.template.loader import get_template

    sources = [Path(get_template(name).origin.name).read_bytes() for name in templates]
    sources += [Path(importlib.import_module(name).__file__).read_bytes() for name in modules]
    return hashlib.sha256(b"\0".join(sources)).hexdigest()[:16]


def query_text(queryset) -> str:
    """The SQL of `queryset` with its values written in: who asks, as the database is asked, for a
    key ("none" for a queryset that can match nothing)."""
    try:
        return str(queryset.query)
    except EmptyResultSet:  # .none()
        return "none"


def entry_key(prefix: str, parts: tuple) -> str:
    """A key of the cache for an entry drawn from `parts` (their repr: values, never querysets)."""
    return f"{prefix}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def html_get(key: str | None, what: str) -> dict | None:
    """The entry kept by `html_set` under `key`: its HTML (safe: it was drawn by a template, escaped
    there) and what was kept beside it; None when there is none."""
    if key is None:
        return None
    entry = cache_get(key, what)
    if entry is None:
        return None
    return {**entry, "html": mark_safe(zlib.decompress(entry["html"]).decode())}


def html_set(key: str | None, what: str, html: str, **beside) -> None:
    """Keep the drawn `html` under `key` (nothing when None), compressed: a body of tens or hundreds
    of kilobytes of repetitive HTML becomes a few; with `beside` (the response's status…)."""
    if key is not None:
        cache_set(key, {"html": zlib.compress(html.encode(), 1), **beside}, what)


def html_cached(key: str | None, what: str, draw) -> str:
    """The HTML kept under `key` (`html_get`), or `draw()`, kept there (`html_set`) when drawn."""
    entry = html_get(key, what)
    if entry is not None:
        return entry["html"]
    html = draw()
    html_set(key, what, html)
    return html


def cached(key: str | None, what: str, compute):
    """What `compute()` gives, from the cache under `key` when it is there (a value Django's cache
    can keep: plain data), kept there when it was computed; computed every time when `key` is None."""
    if key is not None and (entry := cache_get(key, what)) is not None:
        return entry
    value = compute()
    if key is not None:
        cache_set(key, value, what)
    return value
