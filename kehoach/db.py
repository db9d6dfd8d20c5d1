"""Vietnamese text in the database, the same on SQLite and PostgreSQL: names in Vietnamese
alphabetical order ("Dầu Giây" before "Định Quán", both before "Xuân Lộc"), and words matched
without their marks ("phu xanh" finds "phủ xanh").

- PostgreSQL orders with its ICU collation "vi-x-icu" and matches through the `unaccent` extension
  (installed by a migration of the tasks app, on PostgreSQL only).
- SQLite has neither: every new connection gets a collation "vi" (`vi_sort_key`) and the functions
  VI_PLAIN (`plain_text`) and VI_WORDS (`words_text`), registered by `register_sqlite_functions`
  (kehoach.apps). Triggers call VI_WORDS to store the words searched (reports.search.index), so a
  connection without it (the `sqlite3` shell) cannot write those rows.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.db.models import Func, TextField
from django.db.models.functions import Collate

from kehoach.text import unidecode_vi

POSTGRESQL_COLLATION = "vi-x-icu"
SQLITE_COLLATION = "vi"
SQLITE_PLAIN_FUNCTION = "VI_PLAIN"
SQLITE_WORDS_FUNCTION = "VI_WORDS"
# PostgreSQL's text search configuration for Vietnamese words typed with or without their marks:
# `simple` (lower case, no stemming) after `unaccent`. Created by a migration (reports 0007).
SEARCH_CONFIGURATION = "kehoach_vi"

# The letters in the order of the Vietnamese alphabet (f, j, w, z of foreign words in their Latin
# places); a letter with a breve, circumflex or horn is a letter of its own.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
# The tones in their dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@functools.lru_cache(maxsize=4096)
def vi_sort_key(text: str) -> tuple:
    """The key that sorts `text` as a Vietnamese dictionary does: letters first (đ after d, ă and â
    after a), then tones, then capitals; anything that is no letter (a space, a digit) before the
    letters, by its code."""
    letters, tones, capitals = [], [], []
    for char in unicodedata.normalize("NFC", text or ""):
        lower = char.lower()
        base, *marks = unicodedata.normalize("NFD", lower)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in LETTER_MARKS))
        tone = "".join(m for m in marks if m not in LETTER_MARKS)
        rank = LETTER_RANK.get(letter)
        letters.append((1, rank) if rank is not None else (0, ord(letter[0])))
        tones.append(TONE_RANK.get(tone, len(TONE_RANK)))
        capitals.append(char != lower)
    return tuple(letters), tuple(tones), tuple(capitals)


def vi_compare(left: str, right: str) -> int:
    """SQLite's collation "vi": negative, zero or positive as `left` sorts before, with or after."""
    a, b = vi_sort_key(left), vi_sort_key(right)
    return (a > b) - (a < b)


def plain_text(text: str | None) -> str | None:
    """SQLite's VI_PLAIN: `text` in lower case without its marks ("Phủ Xanh" → "phu xanh")."""
    return None if text is None else unidecode_vi(text).lower()


def words_text(text: str | None) -> str:
    """SQLite's VI_WORDS: the words of `text` as `plain_text`, each after a space ("Phủ xanh (đô
    thị)" → " phu xanh do thi"), so that " do" finds a word that starts with "do"."""
    return "".join(" " + word for word in re.findall(r"\w+", plain_text(text or "")))


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On `connection_created`: give a new SQLite connection the collation and the function."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_collation(SQLITE_COLLATION, vi_compare)
    connection.connection.create_function(SQLITE_PLAIN_FUNCTION, 1, plain_text, deterministic=True)
    connection.connection.create_function(SQLITE_WORDS_FUNCTION, 1, words_text, deterministic=True)


class Vietnamese(Collate):
    """`expression` compared and ordered in Vietnamese alphabetical order: `order_by(Vietnamese(
    "name"))`, `ordering = [Vietnamese("name")]`. Other databases order as they do."""

    def __init__(self, expression):
        super().__init__(expression, SQLITE_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, collation=connection.ops.quote_name(SQLITE_COLLATION))

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, collation=connection.ops.quote_name(POSTGRESQL_COLLATION))

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in ("sqlite", "postgresql"):
            return compiler.compile(self.source_expressions[0])
        return super().as_sql(compiler, connection, **extra_context)


class Plain(Func):
    """`expression` in lower case without its marks, for matching words typed without them."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_PLAIN_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="lower(unaccent(%(expressions)s::text))", **extra_context
        )


class Words(Func):
    """SQLite only: `expression`'s words as `words_text` writes them, computed row by row (the search
    of the few plans; tasks, units and reports have theirs stored: reports.search.index)."""

    function = SQLITE_WORDS_FUNCTION
    output_field = TextField()
