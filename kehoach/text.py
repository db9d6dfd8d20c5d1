"""How the application writes and reads the small things of Vietnamese text: numbers, people's names,
days left, dates typed by hand."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import slugify

from kehoach.formats.vi.formats import DATE_INPUT_FORMATS


def number_vi(value) -> str:
    """A whole number with a dot between thousands, as Vietnamese readers write it: 12.345.678."""
    return f"{int(value):,}".replace(",", ".")


def number_text(value, decimals: int | None = None) -> str:
    """Any number as Vietnamese readers write it: 1250 → "1.250", 83.4 → "83,4", 1250.5 → "1.250,5";
    "" for nothing; anything that is no number as its text. With `decimals`, exactly that many
    decimals (an indicator's own: 83.4 with 2 → "83,40"). Without, trailing zeros are dropped; a
    float (a computed share, an average) is rounded to at most two decimals, while a Decimal or an
    int (a number stored or typed) is shown whole, so that what is shown reads back as the same
    number (parse_decimal_vi)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif isinstance(value, float) and number != number.to_integral():
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    if decimals is None:
        fraction = fraction.rstrip("0")
    text = number_vi(int(whole)) + ("," + fraction if fraction else "")
    return "-" + text if number < 0 and number != 0 else text


# A number as Vietnamese users type it: a dot or a space between thousands, a comma before the
# decimals ("1.250", "1 250", "83,4", "1.250,75"); ASCII digits only.
_TYPED_NUMBER = re.compile(r"(-?)([0-9]+|[0-9]{1,3}(?:([. ])[0-9]{3})(?:\3[0-9]{3})*)(?:,([0-9]+))?")


class NumberTextError(ValueError):
    """Text that is not a number as Vietnamese users write it; its message says how to write one."""


def parse_decimal_vi(text) -> Decimal | None:
    """The number a person typed, the Vietnamese way ("83,4", "1.250", "1.250,5"), as a Decimal;
    None for nothing typed. Raises NumberTextError for anything else: "83.4" (a dot groups
    thousands, so it is a typing mistake, not 83,4), "1e3", "12abc"."""
    if text is None:
        return None
    if isinstance(text, Decimal | int):
        return Decimal(text)
    text = str(text).strip().replace("\u00a0", " ")
    if not text:
        return None
    match = _TYPED_NUMBER.fullmatch(text)
    if not match or len(text) > 40:
        raise NumberTextError(
            "Hãy ghi một số: dấu phẩy trước phần thập phân, dấu chấm giữa các nhóm nghìn (ví dụ 83,4 hoặc 1.250)."
        )
    sign, whole, _, fraction = match.groups()
    try:
        return Decimal(f"{sign}{re.sub(r'[^0-9]', '', whole)}.{fraction or '0'}").normalize() + 0
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        raise NumberTextError("Hãy ghi một số.") from None


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


# Dates a person types (a completion date, a deadline, a document's date): anything outside is a
# typing mistake (01/01/0001, 2206 for 2026), refused rather than stored.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_RANGE_TEXT = f"từ {EARLIEST_DATE:%d/%m/%Y} đến {LATEST_DATE:%d/%m/%Y}"


def date_in_range(value: datetime.date) -> bool:
    """Whether `value` is a date a person may type: within EARLIEST_DATE and LATEST_DATE."""
    return EARLIEST_DATE <= value <= LATEST_DATE


def date_range_message(what: str = "Ngày") -> str:
    """ "Ngày hoàn thành phải trong khoảng từ 01/01/2000 đến 31/12/2100." for `what`."""
    return f"{what} phải trong khoảng {DATE_RANGE_TEXT}."


def date_range_validators() -> list:
    """The validators of a model's DateField that people type (in the admin, in an imported sheet)."""
    return [
        MinValueValidator(EARLIEST_DATE, message=date_range_message()),
        MaxValueValidator(LATEST_DATE, message=date_range_message()),
    ]


def parse_id(text) -> int | None:
    """A primary key typed in an address or a form: ASCII digits only, within a 64-bit integer;
    None for anything else ("²" passes `str.isdigit()` but is no number; "1e9" and "" are not ids)."""
    if not isinstance(text, str) or not (1 <= len(text) <= 18) or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def unidecode_vi(text: str) -> str:
    """Vietnamese without its marks, for keys and accent-insensitive matching: "Phủ xanh đô thị" →
    "Phu xanh do thi"."""
    decomposed = unicodedata.normalize("NFD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.replace("đ", "d").replace("Đ", "D")


def file_name_vi(words: str, extension: str, day: datetime.date | None = None) -> str:
    """A downloaded file's name: its Vietnamese words without marks, joined by hyphens, then the day
    it was made as the dates are written (dd-mm-yyyy): ("Phân công", "xlsx", 01/12/2026) →
    "phan-cong-ngay-01-12-2026.xlsx". Plain ASCII, so that every browser and mail program keeps it."""
    name = slugify(unidecode_vi(words)) or "du-lieu"
    if day is not None:
        name += f"-ngay-{day:%d-%m-%Y}"
    return f"{name}.{extension}"


def lower_first(text: str) -> str:
    """ "Năm 2026" → "năm 2026", "Quý III/2026" → "quý III/2026": a name inside a sentence."""
    return text[:1].lower() + text[1:] if text else text


# "12- KL/TU", "12 -KL/TU": a document's number and its symbol are joined by a bare hyphen.
_LOOSE_NUMBER = re.compile(r"(\d)[ \t\u00a0]*-[ \t\u00a0]*(?=[A-ZĐ][A-ZĐ0-9-]*/[A-ZĐ])")


def document_numbers(text: str) -> str:
    """Document numbers in `text` written the standard way (Nghị định 30/2020/NĐ-CP): "12- KL/TU" →
    "12-KL/TU"."""
    return _LOOSE_NUMBER.sub(r"\1-", text or "")
