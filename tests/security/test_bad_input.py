"""Inputs the hostile test found answering with a server error: each now gets a clear answer (a 400, a
404 or a form error) and changes nothing."""

import pytest
from django.urls import reverse

from reports.models import ReportingPeriod, TaskReport
from tests.helpers import rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.ttkhcn_staff)
    return client


@pytest.mark.parametrize("value", ["²", "٣", "1e3", "-1", "9" * 40, ""])
def test_a_unit_filter_that_is_no_id_is_not_found(coordinator_client, value):
    response = coordinator_client.get(reverse("reports:reminder_list"), {"unit": value})
    assert response.status_code == (200 if value == "" else 404)


def test_a_period_form_with_a_superscript_plan_opens_nothing(coordinator_client):
    before = rows(ReportingPeriod, TaskReport)
    response = coordinator_client.post(reverse("reports:period_list"), {"plan": "²", "year": "2027"})
    assert response.status_code == 400
    assert "Hãy chọn một kế hoạch" in response.content.decode()
    assert rows(ReportingPeriod, TaskReport) == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("version", "²"),
        ("output_events", "²"),
        ("output_events", "1²"),
        ("funds_planned", "١٢٣"),
        ("version", "9" * 30),
    ],
)
def test_the_report_form_refuses_digits_that_are_no_number(world, staff_client, field, value):
    report = world.report("ttkhcn", 1)
    before = rows(TaskReport)
    data = {
        "version": str(report.version),
        "results": "Kết quả.",
        "completion": "in_progress",
        "progress": "10",
    }
    data[field] = value

    response = staff_client.post(reverse("reports:report_edit", args=[report.pk]), data)

    assert response.status_code == 400
    assert rows(TaskReport) == before


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/taskreport/?status=%00",
        "/admin/reports/taskreport/?q=%00",
        "/admin/reports/taskreport/%00/history/",
        "/admin/reports/taskreport/%00/change/",
        "/admin/tasks/unit/?kind__exact=a%00b",
        "/theo-doi/?plan=%00",
        "/ke-hoach/%00/",
    ],
)
def test_a_nul_character_anywhere_is_a_bad_request(admin_client, world, url):
    response = admin_client.get(url)
    assert response.status_code in (400, 404)


def test_a_nul_character_in_a_form_is_a_bad_request_and_saves_nothing(world, staff_client):
    report = world.report("ttkhcn", 1)
    before = rows(TaskReport)
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]),
        {"version": str(report.version), "results": "a\x00b", "completion": "in_progress", "progress": "10"},
    )
    assert response.status_code == 400
    assert rows(TaskReport) == before


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/reportevent/?created_at__year=99999999999999999999999",
        "/admin/reports/reportevent/?created_at__year=2026&created_at__month=99999999999999999999",
        "/admin/tasks/legaldocument/?issued_on__year=99999999999999999999999",
        "/admin/tasks/legaldocument/?issued_on__year=0",
    ],
)
def test_an_impossible_date_in_an_admin_filter_is_not_a_server_error(admin_client, world, url):
    response = admin_client.get(url)
    assert response.status_code in (200, 302, 400)
