"""Nothing lost under load, against the live server: 50 people editing and submitting at once, and
the deadline rush (every reporting unit submitting in the same minute). Real HTTP requests from
real threads, through sessions, CSRF and the views; CI runs this on PostgreSQL as well as SQLite."""

import http.cookies
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from reports.models import EventKind, ReportEvent, ReportStatus, TaskReport
from reports.workflow.services import period_open
from tasks.models import AssignmentRole, Role, Task
from tests.factories import AssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 50


class Browser:
    """One person's session against the live server, as a browser keeps it: cookies and CSRF token."""

    def __init__(self, base_url, user):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        self.base_url = base_url
        self.cookies = {settings.SESSION_COOKIE_NAME: session.session_key}
        self.opener = urllib.request.build_opener(NoRedirect())

    def get(self, path):
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path, data):
        token = self.cookies[settings.CSRF_COOKIE_NAME]
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body, method="POST"))

    def _open(self, request):
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        try:
            with self.opener.open(request, timeout=60) as response:
                return self._keep(response), response.read().decode()
        except urllib.error.HTTPError as error:
            return self._keep(error), error.read().decode()

    def _keep(self, response) -> int:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status if hasattr(response, "status") else response.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_once(functions):
    """Run the functions together, released by one barrier; return their results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        barrier.wait()
        try:
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - an exception is a result to report
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.fixture
def crowd(before_deadline, plan_463):
    """25 more units, each the only lead of a task, each with a head; and their 2026 reports."""
    coordinator = UserFactory(username="dieuphoi", unit=plan_463.coordinating_unit, role=Role.COORDINATOR)
    heads = []
    for n in range(PEOPLE // 2):
        unit = UnitFactory(code=f"tai-{n}", name=f"Đơn vị tải {n:02d}")
        task = Task.objects.create(plan=plan_463, number=100 + n, title=f"Nhiệm vụ tải {n}", content="…")
        AssignmentFactory(task=task, unit=unit, role=AssignmentRole.LEAD)
        heads.append(UserFactory(username=f"tai{n}.truongphong", unit=unit, role=Role.HEAD))
    period_open(plan=plan_463, year=2026, by=coordinator)
    return heads


def edit(browser, report, text):
    status, page = browser.get(f"/bao-cao/{report.pk}/sua/")
    assert status == 200, status
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return lambda: browser.post(
        f"/bao-cao/{report.pk}/sua/",
        {
            "version": version,
            "results": text,
            "completion": "in_progress",
            "progress": "50",
        },
    )


def test_fifty_people_at_once_lose_nothing_and_overwrite_nothing_silently(live_server, crowd):
    # Given 25 heads each editing their own unit's report, and 25 people of one unit editing the
    # same report, all of them having opened the form at the same version
    own = [(Browser(live_server.url, head), TaskReport.objects.get(unit=head.unit)) for head in crowd]
    shared = TaskReport.objects.get(unit=crowd[0].unit)
    same = [
        Browser(live_server.url, UserFactory(unit=crowd[0].unit, role=Role.STAFF)) for _ in range(PEOPLE // 2)
    ]
    jobs = [edit(browser, report, f"Kết quả riêng {report.pk}") for browser, report in own[1:]]
    jobs += [edit(browser, shared, f"Bản của người thứ {n}") for n, browser in enumerate(same)]
    jobs.append(edit(own[0][0], shared, "Bản của trưởng phòng"))

    # When they all save in the same instant
    results = at_once(jobs)

    # Then no request failed; every own report is saved; of the shared report exactly one save
    # won and every other writer was told, and the stored text is the winner's, whole
    assert all(isinstance(result, tuple) and result[0] in (302, 400) for result in results), results
    for (_browser, report), (status, _) in zip(own[1:], results, strict=False):
        assert status == 302
        report.refresh_from_db()
        assert report.results == f"Kết quả riêng {report.pk}" and report.version == 2
    shared_results = results[len(own) - 1 :]
    winners = [status for status, _ in shared_results if status == 302]
    refused = [page for status, page in shared_results if status == 400]
    assert len(winners) == 1 and len(refused) == len(shared_results) - 1
    assert all("người khác lưu" in page for page in refused)
    shared.refresh_from_db()
    assert shared.version == 2
    assert shared.results in {"Bản của trưởng phòng", *(f"Bản của người thứ {n}" for n in range(PEOPLE // 2))}
    assert ReportEvent.objects.filter(report=shared, kind=EventKind.SAVED).count() == 1


def test_the_deadline_rush_stores_every_submission_exactly_once(live_server, crowd):
    # Given every head has a written report, and some press the button twice
    for head in crowd:
        TaskReport.objects.filter(unit=head.unit).update(
            results="Đã thực hiện.", completion="in_progress", progress=60
        )
    browsers = [(Browser(live_server.url, head), TaskReport.objects.get(unit=head.unit)) for head in crowd]
    for browser, _ in browsers:
        browser.get("/")  # the CSRF cookie, as the page the button sits on gives it
    jobs = [lambda b=b, r=r: b.post(f"/bao-cao/{r.pk}/gui/", {}) for b, r in browsers]
    jobs += [lambda b=b, r=r: b.post(f"/bao-cao/{r.pk}/gui/", {}) for b, r in browsers[: PEOPLE // 2 - 5]]

    # When they all submit in the same minute
    results = at_once(jobs)

    # Then no request failed, and each report is submitted exactly once
    assert all(isinstance(result, tuple) and result[0] in (302, 403) for result in results), results
    for _, report in browsers:
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED
        assert ReportEvent.objects.filter(report=report, kind=EventKind.SUBMITTED).count() == 1
