"""A completion date outside the dates a person may type (01/01/2000 to 31/12/2100) is refused by the
report form with a Vietnamese message beside the field, and nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from kehoach.text import EARLIEST_DATE, LATEST_DATE, date_in_range
from reports.models import Evidence, IndicatorValue, ReportEvent, ReportingPeriod, TaskReport
from reports.workflow.services import report_content_errors
from tests.helpers import report_in, rows
from tests.reports.workflow.test_forms import form_data, is_vietnamese, read_page

REPORTING = (ReportingPeriod, TaskReport, IndicatorValue, ReportEvent, Evidence)
RANGE_MESSAGE = "Ngày hoàn thành phải trong khoảng từ 01/01/2000 đến 31/12/2100."


@pytest.fixture
def report(before_deadline, world) -> TaskReport:
    """ttkhcn's report on task 1, saved once (version 2)."""
    return report_in(world, "draft", results="Bản đầu.", completion="in_progress", progress=20)


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.ttkhcn_staff)
    return client


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/1999", "01/01/2101"])
def test_a_completion_date_out_of_range_is_refused_beside_the_field(report, staff_client, typed):
    before = rows(*REPORTING)

    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]),
        form_data(version=str(report.version), completion="done", completed_on=typed),
    )

    assert response.status_code == 400
    errors = read_page(response).field_errors.get("completed_on")
    assert errors == [RANGE_MESSAGE]
    assert all(is_vietnamese(error) for error in errors)
    assert rows(*REPORTING) == before


def test_the_first_day_of_the_range_is_accepted(report, staff_client):
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]),
        form_data(version=str(report.version), completion="done", completed_on="01/01/2000"),
    )

    assert response.status_code == 302, read_page(response).field_errors
    assert TaskReport.objects.get(pk=report.pk).completed_on == datetime.date(2000, 1, 1)


def test_a_date_in_range_but_after_today_is_still_refused_as_in_the_future(report):
    report.completion, report.completed_on = "done", datetime.date(2030, 1, 1)
    assert report_content_errors(report, datetime.date(2026, 10, 20)) == {
        "completed_on": "Ngày hoàn thành không được sau hôm nay."
    }


def test_the_range_is_inclusive():
    day = datetime.timedelta(days=1)
    assert date_in_range(EARLIEST_DATE) and date_in_range(LATEST_DATE)
    assert not date_in_range(EARLIEST_DATE - day) and not date_in_range(LATEST_DATE + day)
