"""HTML and script typed into every text field render inert on every page and in every export."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_save
from reports.followup.services import direction_give
from reports.models import Reminder, ReminderKind, ReportEvent, ReportStatus, TaskReport
from reports.workflow.services import evidence_add
from tasks.models import Plan, Task, Unit
from tests.factories import PDF

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert("
SENT = datetime.datetime(2026, 10, 10, 2, tzinfo=datetime.UTC)


@pytest.fixture
def hostile(before_deadline, world, media_root):
    """Every text a user or an administrator can type, holding the payload."""
    Plan.objects.filter(pk=world.plan.pk).update(title=f"Kế hoạch {SCRIPT}")
    Task.objects.filter(plan=world.plan, number=1).update(title=f"Nhiệm vụ {SCRIPT}", content=SCRIPT)
    Unit.objects.filter(code="ttkhcn").update(name=f"Trung tâm {SCRIPT}")
    world.ttkhcn_staff.last_name = SCRIPT
    world.ttkhcn_staff.save()
    report = world.report("ttkhcn", 1)
    evidence_add(
        report=report,
        by=world.ttkhcn_staff,
        upload=SimpleUploadedFile(f"{SCRIPT}.pdf", PDF, content_type="application/pdf"),
    )
    TaskReport.objects.filter(pk=report.pk).update(
        unit_name=f"Trung tâm {SCRIPT}",
        results=SCRIPT,
        difficulties=SCRIPT,
        proposals=SCRIPT,
        escalate=True,
        status=ReportStatus.SUBMITTED,
        submitted_at=SENT,
        last_submitted_at=SENT,
        funds_planned=1000,
    )
    report.refresh_from_db()
    ReportEvent.objects.create(
        report=report, kind="returned", actor=world.coordinator, actor_name=SCRIPT, comment=SCRIPT
    )
    direction_give(report=report, by=world.leadership, text=SCRIPT)
    Reminder.objects.create(
        unit=report.unit,
        kind=ReminderKind.MANUAL,
        sent_at=SENT,
        recipients=SCRIPT,
        copy_to=SCRIPT,
        subject=SCRIPT,
        body=SCRIPT,
        report_count=1,
    )
    consolidated_save(
        scope=scope(world.plan, world.period.key),
        by=world.coordinator,
        version=0,
        results={},
        data=dict.fromkeys(
            (
                "subject",
                "introduction",
                "direction",
                "strengths",
                "weaknesses",
                "causes",
                "next_year",
                "proposals",
                "signer_name",
                "recipients",
            ),
            SCRIPT,
        ),
    )
    return world


def pages(world):
    report = world.report("ttkhcn", 1)
    task = Task.objects.get(plan=world.plan, number=1)
    period = f"{world.plan.pk}/{world.period.key}"
    return [
        (world.ttkhcn_staff, "/"),
        (world.coordinator, "/"),
        (world.ttkhcn_staff, "/ke-hoach/"),
        (world.ttkhcn_staff, f"/ke-hoach/{world.plan.pk}/"),
        (world.coordinator, f"/nhiem-vu/{task.pk}/"),
        (world.coordinator, f"/bao-cao/{report.pk}/"),
        (world.ttkhcn_staff, f"/bao-cao/{report.pk}/"),
        (world.coordinator, "/duyet/"),
        (world.coordinator, "/ky-bao-cao/"),
        (world.coordinator, "/theo-doi/"),
        (world.leadership, "/chi-dao/"),
        (world.coordinator, "/don-doc/"),
        (world.finance, "/kinh-phi/"),
        (world.coordinator, "/tong-hop/"),
        (world.coordinator, f"/tong-hop/{period}/"),
        (world.coordinator, f"/tong-hop/{period}/sua/"),
        (world.ttkhcn_staff, "/lich/"),
        (world.admin, "/admin/tasks/unit/"),
        (world.admin, "/admin/reports/taskreport/"),
        (world.admin, f"/admin/reports/taskreport/{report.pk}/change/"),
    ]


def test_the_payload_renders_as_text_on_every_page(client, hostile):
    shown = 0
    for user, url in pages(hostile):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script>alert(" not in page, url
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), url
        shown += ESCAPED in page
    # the payload did reach the pages, escaped: a page that showed nothing would prove nothing
    assert shown >= 15


def test_the_report_form_keeps_the_payload_inside_its_fields(client, hostile):
    TaskReport.objects.filter(pk=hostile.report("ttkhcn", 1).pk).update(status=ReportStatus.DRAFT)
    client.force_login(hostile.ttkhcn_staff)

    page = client.get(reverse("reports:report_edit", args=[hostile.report("ttkhcn", 1).pk])).content.decode()

    assert "<script>alert(" not in page
    assert f">{ESCAPED}" in page  # inside the textarea, escaped


def test_the_payload_is_plain_text_in_every_export(client, hostile):
    client.force_login(hostile.coordinator)
    period = f"{hostile.plan.pk}/{hostile.period.key}"

    docx = Document(io.BytesIO(client.get(f"/tong-hop/{period}/tai-ve.docx").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert SCRIPT in text  # shown as typed, as text in Word

    for url in (f"/tong-hop/{period}/tai-ve.xlsx", "/kinh-phi/xlsx/?year=2026"):
        client.force_login(hostile.finance if "kinh-phi" in url else hostile.coordinator)
        book = load_workbook(io.BytesIO(client.get(url).content))
        cells = [
            cell
            for sheet in book
            for row in sheet.iter_rows()
            for cell in row
            if cell.value and SCRIPT in str(cell.value)
        ]
        assert cells, url
        assert all(cell.data_type == "s" for cell in cells)

    client.force_login(hostile.ttkhcn_staff)
    # The address is shown once, in the response that issues it; the database holds only a digest.
    issued = client.post(reverse("reports:calendar_renew")).content.decode()
    token = re.search(r"/lich/([A-Za-z0-9_-]+)\.ics", issued)[1]
    feed = client.get(reverse("reports:calendar_feed", args=[token]))
    assert feed["Content-Type"].startswith("text/calendar")
    assert feed["X-Content-Type-Options"] == "nosniff"
