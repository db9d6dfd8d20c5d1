"""Inputs the hostile test found answering with a server error: each now gets a clear answer (a 400, a
404 or a form error) and changes nothing."""

import urllib.parse

import pytest
from django.urls import reverse

from reports.models import ReportingPeriod, TaskReport
from tasks.models import Assignment, Plan, Reporting, Task, Unit, UnitKind, User
from tests.helpers import output_indicator, report_in, rows

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
        ("output_events", "１２"),
        ("output_events", "1e3"),
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
    if field.startswith("output_"):  # the field of the indicator that count became
        field = f"indicator_{output_indicator(report.task, field.removeprefix('output_')).pk}"
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


# ------------------------------------------------------------------------------
# Found by the fuzz of every page (tests/security/test_fuzz_pages.py)
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["²", "board", "0", "'"])
def test_a_next_address_that_is_a_bare_word_goes_back_to_the_page_of_the_form(
    client, world, before_deadline, value
):
    """`redirect()` took a bare word for the name of an address, and failed to find it."""
    client.force_login(world.coordinator)
    remind = reverse("reports:remind_unit", args=[Unit.objects.get(code="qlcn").pk])
    response = client.post(remind, {"next": value, "period": world.period.pk})
    assert response.status_code == 302 and response["Location"] == reverse("reports:board")

    escalated = report_in(world, "submitted", "qlcn", 3, difficulties="Chưa có hướng dẫn.", escalate=True)
    client.force_login(world.leadership)
    response = client.post(
        reverse("reports:direction_add", args=[escalated.pk]),
        {"text": "Giao phòng hướng dẫn.", "next": value},
    )
    assert response.status_code == 302 and response["Location"] == reverse("reports:escalation_list")


@pytest.mark.parametrize(
    "address, data",
    [
        ("/admin/tasks/user/add/", {"username": "moi", "unit": "²"}),
        ("/admin/tasks/unit/add/", {"name": "Đơn vị mới", "parent": "²", "successor": "1e309"}),
    ],
)
def test_an_autocomplete_field_sent_a_value_that_is_no_id_shows_the_form_again(
    admin_client, world, address, data
):
    """Django's autocomplete select looked the value up to show it again, and failed with a ValueError."""
    before = rows(Unit, User)
    response = admin_client.post(address, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert rows(Unit, User) == before


@pytest.mark.parametrize("value", ["²", "1e309", "'"])
def test_a_history_address_whose_id_is_no_id_is_not_found(admin_client, world, value):
    unit = Unit.objects.get(code="qlcn")
    version = unit.history.earliest("history_date").history_id
    quoted = urllib.parse.quote(value, safe="")
    for address in (
        f"/admin/tasks/unit/{quoted}/history/",
        f"/admin/tasks/unit/{quoted}/history/{version}/",
        f"/admin/tasks/unit/{unit.pk}/history/{quoted}/",
    ):
        assert admin_client.get(address).status_code == 404, address


def test_a_plan_whose_task_list_is_sent_a_row_that_is_no_task_of_it_saves_nothing(admin_client, world):
    """The plan's task list is view-only: a row id that is no task had Django validate a new, empty task,
    whose errors name fields the list does not have (a ValueError)."""
    before = rows(Plan, Task)
    response = admin_client.post(
        reverse("admin:tasks_plan_change", args=[world.plan.pk]),
        {"tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "1", "tasks-0-id": "²", "code": world.plan.code},
    )
    assert response.status_code == 200
    assert rows(Plan, Task) == before


def test_an_assignment_of_a_group_of_units_says_how_the_group_reports(admin_client, world):
    """The assignment form lacked `reporting`, which the model's rule for a group of units names: the
    admin answered with a server error for every group, and could not say how a group reports."""
    task = world.plan.tasks.get(number="1")
    group = Unit.objects.filter(kind=UnitKind.GROUP).exclude(assignments__task=task).first()
    data = {"task": task.pk, "unit": group.pk, "role": "partner", "order": "0"}
    before = rows(Assignment)

    refused = admin_client.post("/admin/tasks/assignment/add/", {**data, "reporting": Reporting.REPORTS})
    assert refused.status_code == 200
    assert "reporting" in refused.context["adminform"].form.errors
    assert rows(Assignment) == before

    saved = admin_client.post("/admin/tasks/assignment/add/", {**data, "reporting": Reporting.NAMED})
    assert saved.status_code == 302
    assert task.assignments.get(unit=group).reporting == Reporting.NAMED


@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_in_the_admin_is_a_bad_request(admin_client, world, page):
    """Django 5.2 took an empty `_to_field` for the name of a field, and failed to find it."""
    unit = Unit.objects.get(code="qlcn")
    response = admin_client.get(reverse(f"admin:tasks_unit_{page}", args=[unit.pk]), {"_to_field": ""})
    assert response.status_code == 400


def test_an_admin_search_of_more_words_than_a_query_holds_is_a_bad_request(admin_client, world):
    """Each word is one more condition of the query: SQLite refused 20,000 of them with an error."""
    assert admin_client.get("/admin/tasks/user/", {"q": " ".join(["a"] * 100)}).status_code == 200
    response = admin_client.get("/admin/tasks/user/", {"q": " ".join(["a"] * 2_000)})
    assert response.status_code == 400
    assert "tối đa 100 từ" in response.content.decode()
