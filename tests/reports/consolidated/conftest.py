"""The consolidated report's tests share a year of plan 463 reported on."""

import datetime

import pytest

from reports.models import Completion
from tests.helpers import report_in

HOSTILE = '=HYPERLINK("http://example.com")'


@pytest.fixture
def year(before_deadline, world):
    """Task 1: the lead and one partner accepted, one partner submitted only; task 3 accepted with
    hostile text; the rest drafts."""
    report_in(
        world,
        "accepted",
        "ttkhcn",
        1,
        results="Tổ chức 2 hội nghị quán triệt.\nĐăng 12 tin, bài.",
        completion=Completion.DONE,
        completed_on=datetime.date(2026, 10, 1),
    )
    report_in(
        world,
        "accepted",
        "lhh",
        1,
        results="Phối hợp tuyên truyền trên tạp chí.",
        completion=Completion.IN_PROGRESS,
        progress=50,
    )
    report_in(
        world,
        "submitted",
        "khtc",
        1,
        results="Chưa được duyệt: không được lấy vào báo cáo.",
        completion=Completion.NOT_STARTED,
    )
    report_in(
        world,
        "accepted",
        "qlcn",
        3,
        results=HOSTILE,
        completion=Completion.DONE,
        completed_on=datetime.date(2026, 10, 1),
    )
    return world


# ------------------------------------------------------------------------------
# Composition
# ------------------------------------------------------------------------------
