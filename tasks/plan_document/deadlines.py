"""A task's deadline, in the plan's words, read into a deadline kind (docs/domain.md, "Deadline
kinds"). The words are always kept as written; the reading says when it is only a guess."""

from __future__ import annotations

import calendar
import datetime
import re

from kehoach.text import date_in_range

from .draft import Deadline
from .words import fold, squash

FIXED, YEARLY, ONGOING = "fixed", "yearly", "ongoing"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_FULL_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_WORDED_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?!\s*[/.-]?\s*\d)")
_WORDED_DAY_MONTH = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?!\s+nam\s+\d)")
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\s*(?:/|-|nam)\s*(\d{4})")
_HALF = re.compile(r"6\s+thang\s+(dau|cuoi)\s+nam\s*(\d{4})")
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})")
_RANGE = re.compile(r"(\d{4})\s*(?:-|–|—|den(?:\s+nam)?)\s*(\d{4})")
_UNTIL = re.compile(r"(den|truoc)\s+(?:het\s+)?nam\s+(\d{4})")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")

_EVERY_YEAR = ("hang nam", "moi nam")
_ONGOING = ("thuong xuyen", "lien tuc")
_PERIODIC = ("dinh ky", "hang quy", "hang thang", "6 thang mot lan", "moi quy", "moi thang")


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        return None
    return value if date_in_range(value) else None


def _last_day(year: int, month: int) -> datetime.date | None:
    if not 1 <= month <= 12:
        return None
    return _date(year, month, calendar.monthrange(year, month)[1])


def _fixed(text: str, day: datetime.date | None, guess: str = "") -> Deadline | None:
    if day is None:
        return None
    return Deadline(text=text, kind=FIXED, due_date=day.isoformat(), guess=guess)


def _valid_day_month(day: int, month: int) -> bool:
    return _date(2024, month, day) is not None


def read_deadline(
    text: str, *, year: int | None = None, yearly_report: tuple[int, int] | None = None
) -> Deadline:
    """`text` read into a deadline: "Trong quý I/2024" is fixed on 31/03/2024; "Hằng năm, trước ngày
    30/11" yearly on 30/11; "Thường xuyên" ongoing. `year` is the plan's year (for a day without a
    year), `yearly_report` the plan's yearly report deadline as (day, month) (for "Hằng năm" without
    a day)."""
    text = squash(text)
    words = fold(text)
    if not words:
        return Deadline(text="", kind=ONGOING, guess="Kế hoạch không ghi thời hạn: coi là thường xuyên.")

    if any(phrase in words for phrase in _ONGOING):
        return Deadline(text=text, kind=ONGOING)

    if any(phrase in words for phrase in _EVERY_YEAR):
        found = _DAY_MONTH.search(words) or _WORDED_DAY_MONTH.search(words)
        if found and _valid_day_month(int(found.group(1)), int(found.group(2))):
            return Deadline(
                text=text, kind=YEARLY, due_day=int(found.group(1)), due_month=int(found.group(2))
            )
        if any(phrase in words for phrase in _PERIODIC):
            return Deadline(text=text, kind=ONGOING)
        if yearly_report:
            day, month = yearly_report
            return Deadline(
                text=text,
                kind=YEARLY,
                due_day=day,
                due_month=month,
                guess=f"Không ghi ngày: lấy hạn báo cáo hằng năm của kế hoạch ({day:02d}/{month:02d}).",
            )
        return Deadline(
            text=text,
            kind=ONGOING,
            guess="Không ghi ngày trong năm: coi là thường xuyên, đánh giá theo hạn báo cáo của từng kỳ.",
        )

    if any(phrase in words for phrase in _PERIODIC):
        return Deadline(text=text, kind=ONGOING)

    dates = [(int(d), int(m), int(y)) for d, m, y in _FULL_DATE.findall(words)]
    dates += [(int(d), int(m), int(y)) for d, m, y in _WORDED_DATE.findall(words)]
    if dates:
        day, month, in_year = dates[-1]
        guess = "Ghi nhiều ngày: lấy ngày sau cùng." if len(dates) > 1 else ""
        reading = _fixed(text, _date(in_year, month, day), guess)
        if reading:
            return reading
        return Deadline(
            text=text,
            kind=ONGOING,
            guess=f"Ngày {day:02d}/{month:02d}/{in_year} không dùng được: tạm coi là thường xuyên.",
        )

    found = _QUARTER.search(words)
    if found:
        quarter = ROMAN.get(found.group(1)) or int(found.group(1))
        reading = _fixed(text, _last_day(int(found.group(2)), quarter * 3))
        if reading:
            return reading

    found = _HALF.search(words)
    if found:
        reading = _fixed(text, _last_day(int(found.group(2)), 6 if found.group(1) == "dau" else 12))
        if reading:
            return reading

    found = _MONTH.search(words)
    if found:
        reading = _fixed(text, _last_day(int(found.group(2)), int(found.group(1))))
        if reading:
            return reading

    found = _RANGE.search(words)
    if found:
        return Deadline(
            text=text,
            kind=ONGOING,
            guess=f"Kéo dài từ năm {found.group(1)} đến năm {found.group(2)}: coi là thường xuyên, đánh giá hằng năm.",
        )

    found = _UNTIL.search(words)
    if found:
        last = int(found.group(2)) - (1 if found.group(1) == "truoc" else 0)
        reading = _fixed(text, _last_day(last, 12), f"Chỉ ghi năm: lấy ngày 31/12/{last}.")
        if reading:
            return reading

    found = _DAY_MONTH.search(words) or _WORDED_DAY_MONTH.search(words)
    if found and _valid_day_month(int(found.group(1)), int(found.group(2))):
        day, month = int(found.group(1)), int(found.group(2))
        if year:
            reading = _fixed(
                text, _date(year, month, day), f"Không ghi năm: lấy năm ban hành kế hoạch ({year})."
            )
            if reading:
                return reading
        return Deadline(
            text=text,
            kind=YEARLY,
            due_day=day,
            due_month=month,
            guess="Không ghi năm: coi là hằng năm vào ngày này.",
        )

    found = _YEAR.search(words)
    if found:
        reading = _fixed(text, _last_day(int(found.group(1)), 12))
        if reading:
            return reading

    return Deadline(text=text, kind=ONGOING, guess="Không đọc được thời hạn: tạm coi là thường xuyên.")


_LEADING = re.compile(r"^(hang nam|hang nam|moi nam|hang quy|hang thang|thuong xuyen|dinh ky[^,]{0,30})\s*,")


def leading_frequency(content: str) -> str:
    """The frequency a task's text begins with, as written ("Hàng năm, căn cứ..." → "Hàng năm"), or
    "" when it begins otherwise."""
    found = _LEADING.match(fold(content))
    return content[: found.end() - 1].strip() if found else ""
