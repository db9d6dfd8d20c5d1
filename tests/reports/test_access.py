"""Who may see and do what, page by page.

A permission matrix in the style of taiga-back's tests/integration/resources_permissions: one table
per route, one column per role, the status code expected for GET and for POST; every cell is its
own test. Then the tables the matrix cannot hold: the coordinating unit's own reports, reports that
may no longer be changed, other units' objects (OWASP WSTG-ATHZ-04, IDOR), CSRF and the admin.

A refused request must change nothing (reports, events, files, periods); an allowed write must have
its effect, recorded with the user who made it. GET never changes anything.
"""

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from reports.models import EventKind, Evidence, ReportEvent, ReportingPeriod, ReportStatus, TaskReport
from reports.workflow.services import evidence_add
from tasks.models import Plan
from tests.conftest import ROLES, World, world_build
from tests.factories import PASSWORD, PDF
from tests.helpers import plan_load_seed, rows, staff_of

RESULTS = "Đã tổ chức 2 hội thảo giới thiệu công nghệ."
NEW_RESULTS = "Đã tổ chức 3 hội thảo và 1 hội chợ công nghệ."

# (unit code, task number) of the report a test works on.
TTKHCN = ("ttkhcn", 1)  # the unit of unit_staff / unit_head
QLCN = ("qlcn", 3)  # the unit of other_unit_staff
QLKH_TASKS = (2, 4, 5)  # the coordinating unit's own reports

COLUMNS = list(ROLES)
# Everything a write could change.
WRITABLE = (TaskReport, ReportEvent, Evidence, ReportingPeriod)


# ------------------------------------------------------------------------------
# The world, built once for the module
# ------------------------------------------------------------------------------
def _build_world() -> World:
    """The same world as tests/conftest.py's `world` fixture."""
    plan_load_seed()
    return world_build(Plan.objects.get(code="kh-463"))


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once inside a transaction rolled back at the end of the module; each test runs in a
    savepoint within it (as Django's TestCase.setUpTestData), so tests still see a fresh world."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared_world, db, media_root):
    """Stands in for conftest's `world` in this module; the evidence files a test writes go to a
    folder of that test only."""
    return shared_world


# ------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------
def as_user(world, account):
    return getattr(world, account) if account else None


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")


def put(world, target, status) -> TaskReport:
    """The target report in `status`, its results written (so that it could be submitted)."""
    report = world.report(*target)
    TaskReport.objects.filter(pk=report.pk).update(status=status, results=RESULTS)
    report.refresh_from_db()
    return report


def add_evidence(world, target) -> Evidence:
    report = world.report(*target)
    return evidence_add(report=report, by=staff_of(world, report), upload=pdf_upload())


def close_period(world) -> None:
    ReportingPeriod.objects.filter(pk=world.period.pk).update(is_open=False)


def send(client, user, method, url, data=None):
    if user is not None:
        client.force_login(user)
    response = client.get(url) if method == "GET" else client.post(url, data or {})
    if response.streaming:
        # Reading a file response through closes the file (closing it again would close the database).
        response.body = b"".join(response.streaming_content)
    return response


def login_redirect(url) -> str:
    return "/dang-nhap/?next=" + urllib.parse.quote(url, safe="/")


def last_event(report) -> ReportEvent:
    return report.events.order_by("created_at", "pk").last()


def report_links(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/bao-cao/(\d+)/"', response.content.decode())}


# ------------------------------------------------------------------------------
# Routes: how to reach each one on a target report, and what an allowed POST must have done
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    # Puts the target in the state where the route's action is possible; returns (url, POST data).
    prepare: Callable
    # Checks the effect of an allowed POST: (client, world, target, user).
    effect: Callable | None = None


def at(url_of):
    return lambda world, target: (url_of(world, target), {})


def on_report(suffix, status=ReportStatus.DRAFT, data=lambda report: {}):
    def prepare(world, target):
        report = put(world, target, status)
        return f"/bao-cao/{report.pk}/{suffix}", data(report)

    return prepare


def on_evidence(suffix):
    def prepare(world, target):
        put(world, target, ReportStatus.DRAFT)
        return f"/tep/{add_evidence(world, target).pk}/{suffix}", {}

    return prepare


def edit_data(report) -> dict:
    return {
        "version": report.version,
        "results": NEW_RESULTS,
        "completion": "in_progress",
        "progress": 40,
        "completed_on": "",
        "difficulties": "",
        "proposals": "",
        "funds_planned": "",
        "funds_spent": "",
    }


def moved(status, kind):
    def effect(client, world, target, user):
        report = world.report(*target)
        assert report.status == status
        event = last_event(report)
        assert (event.kind, event.actor) == (kind, user)

    return effect


def saved(client, world, target, user):
    report = world.report(*target)
    assert (report.results, report.progress, report.updated_by) == (NEW_RESULTS, 40, user)
    event = last_event(report)
    assert (event.kind, event.actor) == (EventKind.SAVED, user)


def file_added(client, world, target, user):
    report = world.report(*target)
    assert list(report.evidence.values_list("original_name", "uploaded_by")) == [("bien-ban.pdf", user.pk)]
    event = last_event(report)
    assert (event.kind, event.actor) == (EventKind.FILE_ADDED, user)


def file_removed(client, world, target, user):
    report = world.report(*target)
    assert not report.evidence.exists()
    event = last_event(report)
    assert (event.kind, event.actor) == (EventKind.FILE_REMOVED, user)


def period_opened(client, world, target, user):
    assert ReportingPeriod.objects.get(plan=world.plan, year=2027).opened_by == user


def period_closed(client, world, target, user):
    period = ReportingPeriod.objects.get(pk=world.period.pk)
    assert not period.is_open
    assert period.history.order_by("-history_id").first().history_user == user


def logged_out(client, world, target, user):
    assert client.get("/")["Location"] == login_redirect("/")


ROUTES = {
    "home": Route(at(lambda world, target: "/")),
    "plan_list": Route(at(lambda world, target: "/ke-hoach/")),
    "plan_detail": Route(at(lambda world, target: f"/ke-hoach/{world.plan.pk}/")),
    "plan_indicators": Route(at(lambda world, target: f"/ke-hoach/{world.plan.pk}/chi-tieu/")),
    "task_detail": Route(at(lambda world, target: f"/nhiem-vu/{world.report(*target).task_id}/")),
    "report_detail": Route(on_report("")),
    "report_edit": Route(on_report("sua/", data=edit_data), saved),
    "report_submit": Route(
        on_report("gui/", data=lambda report: {"comment": "Kính gửi Phòng QLKH."}),
        moved(ReportStatus.SUBMITTED, EventKind.SUBMITTED),
    ),
    "report_return": Route(
        on_report("tra-lai/", ReportStatus.SUBMITTED, lambda report: {"comment": "Bổ sung số liệu."}),
        moved(ReportStatus.RETURNED, EventKind.RETURNED),
    ),
    "report_accept": Route(
        on_report("chap-nhan/", ReportStatus.SUBMITTED, lambda report: {"comment": "Đạt."}),
        moved(ReportStatus.ACCEPTED, EventKind.ACCEPTED),
    ),
    "report_reopen": Route(
        on_report("mo-lai/", ReportStatus.ACCEPTED, lambda report: {"comment": "Cần sửa kinh phí."}),
        moved(ReportStatus.RETURNED, EventKind.REOPENED),
    ),
    "evidence_upload": Route(on_report("tep/", data=lambda report: {"file": pdf_upload()}), file_added),
    "evidence_download": Route(on_evidence("")),
    "evidence_delete": Route(on_evidence("go/"), file_removed),
    "review_queue": Route(at(lambda world, target: "/duyet/")),
    "period_list": Route(
        lambda world, target: ("/ky-bao-cao/", {"plan": world.plan.pk, "year": 2027}), period_opened
    ),
    "period_toggle": Route(
        at(lambda world, target: f"/ky-bao-cao/{world.period.pk}/dong-mo/"), period_closed
    ),
    "login": Route(at(lambda world, target: "/dang-nhap/")),
    "logout": Route(at(lambda world, target: "/dang-xuat/"), logged_out),
    "password_change": Route(at(lambda world, target: "/doi-mat-khau/")),
    "password_change_done": Route(at(lambda world, target: "/doi-mat-khau/xong/")),
}

# ------------------------------------------------------------------------------
# The matrix, on a report of ttkhcn (task 1) in the state where the route's action is possible
# ------------------------------------------------------------------------------
# One row per verb; the columns, in the order of ROLES:
#   anonymous, other_unit_staff, unit_staff, unit_head, coordinator, leadership, finance, admin
OK_FOR_EVERYONE = [302, 200, 200, 200, 200, 200, 200, 200]
NOT_ALLOWED = [302, 405, 405, 405, 405, 405, 405, 405]  # the route does not take this verb
MATRIX = {
    "home": {"GET": OK_FOR_EVERYONE, "POST": NOT_ALLOWED},
    "plan_list": {"GET": OK_FOR_EVERYONE, "POST": NOT_ALLOWED},
    "plan_detail": {"GET": OK_FOR_EVERYONE, "POST": NOT_ALLOWED},
    "plan_indicators": {"GET": OK_FOR_EVERYONE, "POST": NOT_ALLOWED},
    "task_detail": {"GET": OK_FOR_EVERYONE, "POST": NOT_ALLOWED},
    "report_detail": {
        "GET": [302, 404, 200, 200, 200, 200, 200, 200],
        "POST": NOT_ALLOWED,
    },
    "report_edit": {
        "GET": [302, 404, 200, 200, 403, 403, 403, 403],
        "POST": [302, 404, 302, 302, 403, 403, 403, 403],
    },
    "report_submit": {
        "GET": NOT_ALLOWED,
        "POST": [302, 404, 403, 302, 403, 403, 403, 403],
    },
    "report_return": {
        "GET": NOT_ALLOWED,
        "POST": [302, 404, 403, 403, 302, 403, 403, 403],
    },
    "report_accept": {
        "GET": NOT_ALLOWED,
        "POST": [302, 404, 403, 403, 302, 403, 403, 403],
    },
    "report_reopen": {
        "GET": NOT_ALLOWED,
        "POST": [302, 404, 403, 403, 302, 403, 403, 403],
    },
    "evidence_upload": {
        "GET": NOT_ALLOWED,
        "POST": [302, 404, 302, 302, 403, 403, 403, 403],
    },
    "evidence_download": {
        "GET": [302, 404, 200, 200, 200, 200, 200, 200],
        "POST": NOT_ALLOWED,
    },
    "evidence_delete": {
        "GET": NOT_ALLOWED,
        "POST": [302, 404, 302, 302, 403, 403, 403, 403],
    },
    "review_queue": {
        "GET": [302, 403, 403, 403, 200, 200, 403, 403],
        "POST": NOT_ALLOWED,
    },
    "period_list": {
        "GET": [302, 403, 403, 403, 200, 403, 403, 200],
        "POST": [302, 403, 403, 403, 302, 403, 403, 302],
    },
    "period_toggle": {
        "GET": NOT_ALLOWED,
        "POST": [302, 403, 403, 403, 302, 403, 403, 302],
    },
    # The one page open to everyone; a logged-in user is sent home.
    "login": {
        "GET": [200, 302, 302, 302, 302, 302, 302, 302],
        "POST": [200, 302, 302, 302, 302, 302, 302, 302],
    },
    "logout": {
        "GET": NOT_ALLOWED,
        "POST": [302, 302, 302, 302, 302, 302, 302, 302],
    },
    # An empty form comes back with its errors.
    "password_change": {
        "GET": OK_FOR_EVERYONE,
        "POST": [302, 200, 200, 200, 200, 200, 200, 200],
    },
    "password_change_done": {"GET": OK_FOR_EVERYONE, "POST": NOT_ALLOWED},
}


def matrix_cells() -> list:
    cells = []
    for route, table in MATRIX.items():
        for method, row in table.items():
            assert len(row) == len(COLUMNS), route
            for role, expected in zip(COLUMNS, row, strict=True):
                cells.append(pytest.param(route, role, method, expected, id=f"{route}-{role}-{method}"))
    return cells


@pytest.mark.parametrize("route, role, method, expected", matrix_cells())
def test_permission_matrix(client, world, route, role, method, expected):
    url, data = ROUTES[route].prepare(world, TTKHCN)
    user = as_user(world, ROLES[role])
    before = rows(*WRITABLE)

    response = send(client, user, method, url, data)

    assert response.status_code == expected, url
    if user is None and expected == 302:
        assert response["Location"] == login_redirect(url)
    if user is not None and method == "POST" and expected == 302 and ROUTES[route].effect:
        ROUTES[route].effect(client, world, TTKHCN, user)
    else:
        assert rows(*WRITABLE) == before


# ------------------------------------------------------------------------------
# The coordinating unit does not review itself: the leadership reviews its reports
# ------------------------------------------------------------------------------
OWN_UNIT_REVIEW = {"coordinator": 403, "leadership": 302, "qlkh_head": 403, "finance": 403, "admin": 403}


@pytest.mark.parametrize("task", QLKH_TASKS)
@pytest.mark.parametrize("route", ["report_return", "report_accept", "report_reopen"])
@pytest.mark.parametrize("account, expected", OWN_UNIT_REVIEW.items())
def test_the_coordinating_units_reports_are_reviewed_by_the_leadership(
    client, world, account, expected, route, task
):
    target = ("qlkh", task)
    url, data = ROUTES[route].prepare(world, target)
    user = as_user(world, account)
    before = rows(*WRITABLE)

    response = send(client, user, "POST", url, data)

    assert response.status_code == expected
    if expected == 302:
        ROUTES[route].effect(client, world, target, user)
    else:
        assert rows(*WRITABLE) == before


@pytest.mark.parametrize(
    "reader, shown, hidden",
    [("coordinator", TTKHCN, ("qlkh", 2)), ("leadership", ("qlkh", 2), TTKHCN)],
    ids=["coordinator", "leadership"],
)
def test_the_review_queue_lists_only_what_its_reader_may_review(client, world, reader, shown, hidden):
    shown_report = put(world, shown, ReportStatus.SUBMITTED)
    hidden_report = put(world, hidden, ReportStatus.SUBMITTED)

    response = send(client, as_user(world, reader), "GET", "/duyet/")

    assert response.status_code == 200
    assert shown_report.pk in report_links(response)
    assert hidden_report.pk not in report_links(response)


# ------------------------------------------------------------------------------
# Pages listing reports list only those the reader may open
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reader, units",
    [
        ("ttkhcn_staff", {"ttkhcn"}),
        ("ttkhcn_head", {"ttkhcn"}),
        # a unit of the department, each of which reports on task 1 as a member of its group
        ("qlcn_staff", {"qlcn"}),
        ("coordinator", {"ttkhcn", "lhh", "qlkh", "qlcn", "khtc"}),
        ("finance", {"ttkhcn", "lhh", "qlkh", "qlcn", "khtc"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_task_page_lists_only_the_reports_its_reader_may_see(client, world, reader, units):
    task_id = world.report(*TTKHCN).task_id
    reports = TaskReport.objects.filter(task_id=task_id, unit__code__in=units)
    expected = set(reports.values_list("pk", flat=True))
    assert len(expected) == len(units)

    response = send(client, as_user(world, reader), "GET", f"/nhiem-vu/{task_id}/")

    assert response.status_code == 200
    assert report_links(response) == expected


@pytest.mark.parametrize(
    "reader, unit", [("ttkhcn_staff", "ttkhcn"), ("qlcn_head", "qlcn"), ("qlkh_head", "qlkh")]
)
def test_the_home_page_lists_only_the_units_own_reports(client, world, reader, unit):
    reports = TaskReport.objects.filter(period=world.period, unit__code=unit)
    expected = set(reports.values_list("pk", flat=True))

    response = send(client, as_user(world, reader), "GET", "/")

    assert response.status_code == 200
    assert expected and report_links(response) == expected


# ------------------------------------------------------------------------------
# Nobody changes a submitted or accepted report, nor any report of a closed period
# ------------------------------------------------------------------------------
FREEZES = {
    "submitted": lambda world, target: put(world, target, ReportStatus.SUBMITTED),
    "accepted": lambda world, target: put(world, target, ReportStatus.ACCEPTED),
    "closed_period": lambda world, target: close_period(world),
}
UNIT_ACTIONS = [
    ("report_edit", "GET"),
    ("report_edit", "POST"),
    ("evidence_upload", "POST"),
    ("evidence_delete", "POST"),
    ("report_submit", "POST"),
]


@pytest.mark.parametrize("route, method", UNIT_ACTIONS, ids=[f"{r}-{m}" for r, m in UNIT_ACTIONS])
@pytest.mark.parametrize("role", ["unit_staff", "unit_head"])
@pytest.mark.parametrize("freeze", FREEZES)
def test_a_report_no_longer_editable_is_not_changed(client, world, freeze, role, route, method):
    url, data = ROUTES[route].prepare(world, TTKHCN)
    FREEZES[freeze](world, TTKHCN)
    before = rows(*WRITABLE)

    response = send(client, as_user(world, ROLES[role]), method, url, data)

    assert response.status_code == 403
    assert rows(*WRITABLE) == before


REVIEW_OUT_OF_TURN = [
    ("report_accept", "draft"),
    ("report_return", "draft"),
    ("report_accept", "returned"),
    ("report_accept", "accepted"),
    ("report_reopen", "draft"),
    ("report_reopen", "submitted"),
    ("report_accept", "closed_period"),
    ("report_return", "closed_period"),
    ("report_reopen", "closed_period"),
]


@pytest.mark.parametrize("route, state", REVIEW_OUT_OF_TURN, ids=[f"{r}-{s}" for r, s in REVIEW_OUT_OF_TURN])
def test_the_coordinator_reviews_only_a_report_waiting_for_it_in_an_open_period(client, world, route, state):
    url, data = ROUTES[route].prepare(world, TTKHCN)
    if state == "closed_period":
        close_period(world)
    else:
        put(world, TTKHCN, state)
    before = rows(*WRITABLE)

    response = send(client, world.coordinator, "POST", url, data)

    assert response.status_code == 403
    assert rows(*WRITABLE) == before


# ------------------------------------------------------------------------------
# Evidence files go out as attachments, never rendered by the browser
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["unit_staff", "unit_head", "coordinator", "leadership", "finance", "admin"])
def test_evidence_download_serves_the_file_as_an_attachment(client, world, role):
    url, _ = ROUTES["evidence_download"].prepare(world, TTKHCN)

    response = send(client, as_user(world, ROLES[role]), "GET", url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "bien-ban.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.body == PDF


# ------------------------------------------------------------------------------
# OWASP WSTG-ATHZ-04: object ids of another unit
# ------------------------------------------------------------------------------
#                       GET  POST
IDOR_EXPECTED = {
    "report_detail": (404, 405),
    "report_edit": (404, 404),
    "report_submit": (405, 404),
    "report_return": (405, 404),
    "report_accept": (405, 404),
    "report_reopen": (405, 404),
    "evidence_upload": (405, 404),
    "evidence_download": (404, 405),
    "evidence_delete": (405, 404),
    "period_toggle": (405, 403),  # periods belong to no unit; units never toggle them
}
# (attacker, the other unit's report whose ids it uses)
ATTACKS = [("qlcn_staff", TTKHCN), ("qlcn_head", TTKHCN), ("ttkhcn_staff", QLCN), ("ttkhcn_head", QLCN)]


def idor_cells() -> list:
    return [
        pytest.param(
            route, method, expected, attacker, target, id=f"{route}-{method}-{attacker}-on-{target[0]}"
        )
        for route, codes in IDOR_EXPECTED.items()
        for method, expected in zip(("GET", "POST"), codes, strict=True)
        for attacker, target in ATTACKS
    ]


@pytest.mark.parametrize("route, method, expected, attacker, target", idor_cells())
def test_another_units_object_ids_reveal_and_change_nothing(
    client, world, route, method, expected, attacker, target
):
    url, data = ROUTES[route].prepare(world, target)
    before = rows(*WRITABLE)

    response = send(client, as_user(world, attacker), method, url, data)

    assert response.status_code == expected
    assert RESULTS not in response.content.decode()
    assert rows(*WRITABLE) == before


# ------------------------------------------------------------------------------
# CSRF
# ------------------------------------------------------------------------------
def test_a_submit_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    url, data = ROUTES["report_submit"].prepare(world, TTKHCN)
    client.force_login(world.ttkhcn_head)
    before = rows(*WRITABLE)

    response = client.post(url, data)

    assert response.status_code == 403
    assert rows(*WRITABLE) == before


def test_the_same_submit_with_the_csrf_token_goes_through(world):
    client = Client(enforce_csrf_checks=True)
    url, data = ROUTES["report_submit"].prepare(world, TTKHCN)
    client.force_login(world.ttkhcn_head)
    client.get(f"/bao-cao/{world.report(*TTKHCN).pk}/")

    response = client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert response.status_code == 302
    ROUTES["report_submit"].effect(client, world, TTKHCN, world.ttkhcn_head)


# ------------------------------------------------------------------------------
# Login and the admin
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/dang-nhap/", "/admin/login/"])
def test_the_login_pages_are_open_to_anonymous_users(client, world, url):
    response = client.get(url)

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_logging_in_with_the_right_password_opens_the_home_page(client, world):
    response = client.post("/dang-nhap/", {"username": world.ttkhcn_staff.username, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200


ADMIN_PAGES = [
    "/admin/",
    "/admin/reports/taskreport/",
    "/admin/reports/reportingperiod/",
    "/admin/tasks/user/",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("role", COLUMNS)
def test_admin_pages_are_for_staff_users_only(client, world, role, page):
    user = as_user(world, ROLES[role])

    response = send(client, user, "GET", page)

    if role == "admin":
        assert response.status_code == 200
    elif user is None:
        # Django's admin index sends to its own login page, the other admin pages to the site's.
        assert response.status_code == 302
        assert response["Location"] in {"/admin/login/?next=" + page, login_redirect(page)}
    else:
        assert response.status_code == 302
        assert response["Location"] == "/admin/login/?next=" + page


# ------------------------------------------------------------------------------
# The refusal comes before the form is read
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("route", ["report_return", "report_reopen", "report_accept", "report_submit"])
@pytest.mark.parametrize("account, expected", [("ttkhcn_staff", 403), ("finance", 403), ("qlcn_head", 404)])
def test_a_step_the_user_may_never_take_is_refused_even_with_an_empty_form(
    client, world, route, account, expected
):
    # Given a submitted report of TTKHCN and a user who may neither review it nor speak for its unit
    report = put(world, TTKHCN, ReportStatus.SUBMITTED)
    client.force_login(getattr(world, account))
    before = rows(*WRITABLE)

    # When they post the step with no comment at all
    response = client.post(reverse(f"reports:{route}", args=[report.pk]), {})

    # Then the refusal is 403 (404 for a report of another unit, whose existence is not revealed),
    # not a hint to fill in the comment; nothing changes
    assert response.status_code == expected
    assert rows(*WRITABLE) == before


@pytest.mark.parametrize("path", ["/", "/ke-hoach/", "/duyet/"])
def test_a_head_request_is_answered_like_a_get(client, world, path):
    client.force_login(world.coordinator)

    response = client.head(path)

    assert response.status_code == 200
    assert response.content == b""
