"""How the application writes and reads the small things of Vietnamese text: numbers, people's names,
days left, dates typed by hand."""

from __future__ import annotations

import datetime

from kehoach.formats.vi.formats import DATE_INPUT_FORMATS


def number_vi(value) -> str:
    """A whole number with a dot between thousands, as Vietnamese readers write it: 12.345.678."""
    return f"{int(value):,}".replace(",", ".")


def person_name(user, *, nobody: str = "") -> str:
    """A person as others read their name: the full name, else the username; `nobody` for no one."""
    if user is None:
        return nobody
    return user.get_full_name() or user.username


def days_left_text(days: int | None) -> str:
    """ "còn 3 ngày", "hạn là hôm nay", "quá hạn 2 ngày" for the days left until a deadline."""
    if days is None:
        return ""
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hạn là hôm nay"
    return f"quá hạn {-days} ngày"


def parse_date(text: str) -> datetime.date | None:
    """A date typed as the forms accept it (dd/mm/yyyy first), or None when it is not one."""
    text = (text or "").strip()
    for date_format in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def parse_id(text) -> int | None:
    """A primary key typed in an address or a form: ASCII digits only, within a 64-bit integer;
    None for anything else ("²" passes `str.isdigit()` but is no number; "1e9" and "" are not ids)."""
    if not isinstance(text, str) or not (1 <= len(text) <= 18) or not text.isascii() or not text.isdigit():
        return None
    return int(text)
