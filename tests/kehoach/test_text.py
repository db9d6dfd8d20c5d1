"""Numbers as Vietnamese users write and read them (kehoach.text)."""

from decimal import Decimal

import pytest

from kehoach.text import NumberTextError, number_text, parse_decimal_vi


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("83,4", Decimal("83.4")),
        ("1.250", Decimal(1250)),
        ("1 250", Decimal(1250)),
        ("1\u00a0250", Decimal(1250)),
        ("1.250,75", Decimal("1250.75")),
        ("12.345.678", Decimal(12345678)),
        ("1250", Decimal(1250)),
        ("0", Decimal(0)),
        ("100,00", Decimal(100)),
        (" 80 ", Decimal(80)),
        ("-5", Decimal(-5)),
        ("", None),
        ("   ", None),
    ],
)
def test_a_number_typed_the_vietnamese_way_is_read_as_meant(typed, meant):
    assert parse_decimal_vi(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "83.4",
        "1.25",
        "1.2500",
        "12,",
        ",5",
        "1e3",
        "12abc",
        "nhiều",
        "²",
        "١٢٣",
        "１２",
        "1,2,3",
        "1.250.5",
        "--1",
    ],
)
def test_anything_else_is_refused_in_words(typed):
    with pytest.raises(NumberTextError) as raised:
        parse_decimal_vi(typed)
    assert "dấu phẩy" in str(raised.value)


@pytest.mark.parametrize(
    "value, decimals, shown",
    [
        (Decimal(1250), 0, "1.250"),
        (Decimal("83.4"), 1, "83,4"),
        (Decimal("83.4"), 2, "83,40"),
        (Decimal("1250.5"), 1, "1.250,5"),
        (Decimal("1234567.8949"), 3, "1.234.567,895"),
        (Decimal("80.0000"), None, "80"),
        (Decimal("83.4000"), None, "83,4"),
        (0, 0, "0"),
    ],
)
def test_a_number_is_shown_the_vietnamese_way(value, decimals, shown):
    assert number_text(value, decimals) == shown


def test_what_is_shown_reads_back_as_the_same_number():
    for value in (Decimal("0.5"), Decimal(1250), Decimal("1234567.25"), Decimal("99.9")):
        assert parse_decimal_vi(number_text(value)) == value
