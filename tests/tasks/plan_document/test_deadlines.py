"""A deadline's words read into a deadline kind (docs/domain.md, "Deadline kinds"): the words are kept
as written, and the reading says when it is only a guess."""

from __future__ import annotations

import pytest

from tasks.plan_document.deadlines import leading_frequency, read_deadline

# words → (kind, due date, due day, due month, whether a guess), for a plan of 2024 reporting yearly by 15/11.
READINGS = [
    ("Trong quý I/2024", ("fixed", "2024-03-31", None, None, False)),
    ("Quý IV năm 2025", ("fixed", "2025-12-31", None, None, False)),
    ("Trước ngày 30/9/2025", ("fixed", "2025-09-30", None, None, False)),
    ("Trước ngày 30 tháng 6 năm 2026", ("fixed", "2026-06-30", None, None, False)),
    ("6 tháng đầu năm 2025", ("fixed", "2025-06-30", None, None, False)),
    ("Tháng 10/2025", ("fixed", "2025-10-31", None, None, False)),
    ("Năm 2026", ("fixed", "2026-12-31", None, None, False)),
    ("Hằng năm, trước ngày 30/11", ("yearly", None, 30, 11, False)),
    ("ngày 15 tháng 11 hằng năm", ("yearly", None, 15, 11, False)),
    ("Thường xuyên", ("ongoing", None, None, None, False)),
    ("Thường xuyên hàng năm", ("ongoing", None, None, None, False)),
    ("Định kỳ 6 tháng, hằng năm", ("ongoing", None, None, None, False)),
    ("Hằng quý", ("ongoing", None, None, None, False)),
    # Guesses: a year without a day, a day without a year, a span of years, no day in the year.
    ("Hằng năm", ("yearly", None, 15, 11, True)),
    ("Hàng năm", ("yearly", None, 15, 11, True)),
    ("Đến năm 2030", ("fixed", "2030-12-31", None, None, True)),
    ("Trước ngày 15/10", ("fixed", "2024-10-15", None, None, True)),
    ("Giai đoạn 2025 - 2030", ("ongoing", None, None, None, True)),
    ("Từ 01/3/2025 đến 30/6/2025", ("fixed", "2025-06-30", None, None, True)),
    ("Trước ngày 31/02/2025", ("ongoing", None, None, None, True)),
    ("Khi có yêu cầu", ("ongoing", None, None, None, True)),
]


@pytest.mark.parametrize("words, expected", READINGS)
def test_deadline_words_are_read_and_kept(words, expected):
    reading = read_deadline(words, year=2024, yearly_report=(15, 11))
    assert reading.text == words
    assert (
        reading.kind,
        reading.due_date,
        reading.due_day,
        reading.due_month,
        bool(reading.guess),
    ) == expected


def test_yearly_words_without_a_day_are_ongoing_when_the_plan_reports_otherwise():
    reading = read_deadline("Hằng năm", year=2025, yearly_report=None)
    assert (reading.kind, reading.text) == ("ongoing", "Hằng năm")
    assert reading.guess.startswith("Không ghi ngày trong năm")


def test_no_words_is_an_ongoing_deadline_said_to_be_a_guess():
    reading = read_deadline("   ")
    assert (reading.kind, reading.text) == ("ongoing", "")
    assert reading.guess


def test_a_task_text_beginning_with_its_frequency_gives_it():
    assert leading_frequency("Hàng năm, căn cứ vào các lĩnh vực tỉnh quan tâm…") == "Hàng năm"
    assert leading_frequency("Hằng quý, tổng hợp…") == "Hằng quý"
    assert leading_frequency("Rà soát các quy định của Trung ương…") == ""
