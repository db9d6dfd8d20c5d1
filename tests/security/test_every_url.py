"""Every URL of the application, tried as a hostile member of another unit would (OWASP
WSTG-ATHZ-04), and without the CSRF token. A URL added later without a line here fails the test
that lists them, so none is forgotten."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.calendar.services import calendar_token_issue
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_save
from reports.models import (
    ConsolidatedReport,
    Direction,
    Evidence,
    IndicatorValue,
    Reminder,
    ReportEvent,
    ReportingPeriod,
    TaskReport,
)
from reports.workflow.services import evidence_add
from tasks.models import Assignment, Indicator, IndicatorTarget, Task, Unit, User
from tests.factories import PDF
from tests.helpers import rows

SENT = datetime.datetime(2026, 10, 10, 2, tzinfo=datetime.UTC)


def url_names() -> set[str]:
    """Every named URL outside the admin, with its namespace."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


@pytest.fixture
def victim(before_deadline, world, media_root):
    """TTKHCN's objects: a report with a file, a direction, a token; the attacker is another unit."""
    report = world.report("ttkhcn", 1)
    evidence = evidence_add(
        report=report,
        by=world.ttkhcn_staff,
        upload=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    )
    TaskReport.objects.filter(pk=report.pk).update(
        results="Bí mật của Trung tâm.",
        escalate=True,
        status="submitted",
        submitted_at=SENT,
        last_submitted_at=SENT,
    )
    token = calendar_token_issue(user=world.ttkhcn_staff)  # the database holds only its digest
    consolidated = consolidated_save(
        scope=scope(world.plan, world.period.key), by=world.coordinator, version=0, data={}, results={}
    )
    world.ttkhcn_staff.refresh_from_db()
    return {
        "report": report.pk,
        "evidence": evidence.pk,
        "task": report.task_id,
        "plan": world.plan.pk,
        "period": world.period.pk,
        "key": world.period.key,
        "unit": report.unit_id,
        "token": token,
        "edition": consolidated.edition,
    }


# name → kwargs built from the victim's objects; private: whether only its unit and the
# department's own roles may see it (an attacker from another unit must get nothing).
URLS = {
    "alive": ({}, False),
    "alive_logged_in": ({}, False),
    "login": ({}, False),
    "logout": ({}, False),
    "password_change": ({}, False),
    "password_change_done": ({}, False),
    "reports:home": ({}, False),
    "reports:plan_list": ({}, False),
    "reports:plan_detail": ({"pk": "plan"}, False),
    "reports:plan_indicators": ({"pk": "plan"}, False),
    "reports:task_detail": ({"pk": "task"}, False),
    "reports:report_detail": ({"pk": "report"}, True),
    "reports:report_edit": ({"pk": "report"}, True),
    "reports:report_submit": ({"pk": "report"}, True),
    "reports:report_return": ({"pk": "report"}, True),
    "reports:report_accept": ({"pk": "report"}, True),
    "reports:report_reopen": ({"pk": "report"}, True),
    "reports:evidence_upload": ({"pk": "report"}, True),
    "reports:evidence_download": ({"pk": "evidence"}, True),
    "reports:evidence_delete": ({"pk": "evidence"}, True),
    "reports:direction_add": ({"pk": "report"}, True),
    "reports:review_queue": ({}, True),
    "reports:period_list": ({}, True),
    "reports:period_add": ({}, True),
    "reports:period_edit": ({"pk": "period"}, True),
    "reports:period_toggle": ({"pk": "period"}, True),
    "reports:board": ({}, True),
    "reports:remind_unit": ({"unit_pk": "unit"}, True),
    "reports:reminder_list": ({}, True),
    "reports:escalation_list": ({}, True),
    "reports:funds": ({}, True),
    "reports:funds_export": ({}, True),
    "reports:consolidated_list": ({}, True),
    "reports:consolidated_detail": ({"plan_pk": "plan", "key": "key"}, True),
    "reports:consolidated_edit": ({"plan_pk": "plan", "key": "key"}, True),
    "reports:consolidated_export": ({"plan_pk": "plan", "key": "key", "fmt": "docx"}, True),
    "reports:consolidated_issue": ({"plan_pk": "plan", "key": "key"}, True),
    "reports:consolidated_new_edition": ({"plan_pk": "plan", "key": "key"}, True),
    "reports:consolidated_edition": ({"plan_pk": "plan", "key": "key", "edition": "edition"}, True),
    "reports:consolidated_edition_export": (
        {"plan_pk": "plan", "key": "key", "edition": "edition", "fmt": "docx"},
        True,
    ),
    "reports:calendar": ({}, False),
    "reports:calendar_renew": ({}, False),
    # Each person's own: what happened to the reports they may see, and their choice of mails.
    "reports:notifications": ({}, False),
    "reports:notification_settings": ({}, False),
    # Search finds only what the person may see (tests/reports/search).
    "reports:search": ({}, False),
    # The secret token is the feed's only credential, whoever holds it (tests/reports/test_calendar.py
    # covers guessed, renewed and malformed tokens); here the attacker would need to know it.
    "reports:calendar_feed": ({"token": "token"}, False),
}


def build(name, victim) -> str:
    kwargs, _ = URLS[name]
    return reverse(name, kwargs={key: victim.get(value, value) for key, value in kwargs.items()})


def victim_data():
    """Everything of TTKHCN and of the department an attack could read or change."""
    return rows(
        TaskReport,
        Evidence,
        ReportEvent,
        Direction,
        Reminder,
        ReportingPeriod,
        ConsolidatedReport,
        IndicatorValue,
        Indicator,
        IndicatorTarget,
        Assignment,
        Unit,
        Task,
        User.objects.exclude(username__startswith="qlcn."),
        exclude=(),
    )


def test_every_url_of_the_application_is_in_this_list():
    assert url_names() == set(URLS)


@pytest.mark.parametrize("attacker", ["qlcn_staff", "qlcn_head"])
def test_another_units_member_gets_nothing_of_private_urls_and_changes_nothing(
    client, world, victim, attacker
):
    client.force_login(getattr(world, attacker))
    before = victim_data()
    data = {
        "comment": "Tấn công",
        "text": "Chỉ đạo giả",
        "version": "2",
        "results": "Ghi đè",
        "completion": "in_progress",
        "progress": "10",
        "year": "2027",
        "plan": str(victim["plan"]),
        "file": SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf"),
    }

    for name, (_, private) in URLS.items():
        if name in ("logout", "login"):
            continue
        url = build(name, victim)
        got = client.get(url)
        posted = client.post(url, data)
        assert got.status_code < 500 and posted.status_code < 500, name
        if private:
            assert got.status_code in (403, 404, 405), (name, got.status_code)
            assert posted.status_code in (403, 404, 405), (name, posted.status_code)
            assert "Bí mật của Trung tâm." not in got.content.decode(errors="ignore"), name

    assert victim_data() == before


@pytest.mark.parametrize("account", ["ttkhcn_head", "coordinator", "leadership", "finance", "admin"])
def test_every_form_refuses_a_post_without_the_csrf_token(world, victim, account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(world, account))
    before = victim_data()

    for name in URLS:
        response = client.post(build(name, victim), {"comment": "x", "text": "x"})
        assert response.status_code == 403, name
        assert "Biểu mẫu đã hết hạn" in response.content.decode(), name

    assert victim_data() == before
