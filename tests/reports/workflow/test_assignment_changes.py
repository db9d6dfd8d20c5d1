"""A change of assignments during an open period reaches its reports (issue: units that change).

The world: Kế hoạch 463 with 2026 open. Task 2 is led by qlkh with lhh as partner, each owing a
report; qlcn is not on task 2. Every change is made in the admin, as an administrator would.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import ReportStatus, TaskReport
from reports.workflow.services import WITHDRAWN_REASON, evidence_add, period_set_open
from tasks.models import Assignment, AssignmentRole, Reporting, Task, Unit
from tests.helpers import head_of, report_in, report_save


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def owed(world, number) -> dict[str, tuple[str, str]]:
    """unit code → (role, status) of the 2026 reports on task `number`."""
    return {
        report.unit.code: (report.role, report.status)
        for report in TaskReport.objects.filter(period=world.period, task__number=number).select_related(
            "unit"
        )
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def admin(client, world):
    client.force_login(world.admin)
    return client


def add_assignment(admin, task, unit, role=AssignmentRole.PARTNER):
    return admin.post(
        admin_url(Assignment, "add"),
        {
            "task": task.pk,
            "unit": unit.pk,
            "role": role,
            "reporting": Reporting.REPORTS,
            "note": "",
            "order": 9,
        },
        follow=True,
    )


def delete_assignment(admin, assignment):
    return admin.post(admin_url(Assignment, "delete", assignment.pk), {"post": "yes"}, follow=True)


def test_a_new_assignment_owes_its_report_in_the_open_period_at_once(admin, world):
    task = Task.objects.get(plan=world.plan, number="2")
    qlcn = Unit.objects.get(code="qlcn")

    response = add_assignment(admin, task, qlcn)

    assert response.status_code == 200
    report = world.report("qlcn", 2)
    assert (report.role, report.status, report.unit_name) == (
        AssignmentRole.PARTNER,
        ReportStatus.DRAFT,
        qlcn.name,
    )
    assert report.deadline == world.report("qlkh", 2).deadline
    assert (
        "Kỳ đang mở: thêm 1 báo cáo phải gửi (Phòng Quản lý Chuyên ngành, nhiệm vụ 2, Năm 2026)."
        in messages_of(response)
    )


def test_a_removed_assignment_withdraws_the_report_not_yet_sent_and_keeps_it_in_history(admin, world):
    # Given lhh has written a draft on task 2
    report = world.report("lhh", 2)
    report = report_save(report, head_of(world, report), results="Bản nháp của Liên hiệp Hội.")
    assignment = Assignment.objects.get(task__plan=world.plan, task__number="2", unit__code="lhh")

    # When the administrator removes lhh from task 2
    response = delete_assignment(admin, assignment)

    # Then lhh owes nothing on task 2 and is told so; the draft's text is in its history
    assert owed(world, 2) == {"qlkh": (AssignmentRole.LEAD, ReportStatus.DRAFT)}
    assert any(
        message.startswith("Kỳ đang mở: hủy 1 báo cáo chưa gửi của đơn vị không còn được phân công")
        and "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai, nhiệm vụ 2, Năm 2026" in message
        for message in messages_of(response)
    )
    deleted = TaskReport.history.filter(id=report.pk, history_type="-").get()
    assert deleted.results == "Bản nháp của Liên hiệp Hội."
    assert deleted.history_change_reason == WITHDRAWN_REASON
    assert deleted.history_user == world.admin


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
def test_a_report_already_sent_is_never_withdrawn(admin, world, status):
    report_in(world, status, "lhh", 2)
    assignment = Assignment.objects.get(task__plan=world.plan, task__number="2", unit__code="lhh")

    response = delete_assignment(admin, assignment)

    assert owed(world, 2)["lhh"] == (AssignmentRole.PARTNER, status)
    assert any(message.startswith("Kỳ đang mở: giữ 1 báo cáo") for message in messages_of(response))


def test_a_draft_with_evidence_is_kept(admin, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = world.report("lhh", 2)
    evidence_add(
        report=report,
        by=head_of(world, report),
        upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    assignment = Assignment.objects.get(task__plan=world.plan, task__number="2", unit__code="lhh")

    response = delete_assignment(admin, assignment)

    assert TaskReport.objects.filter(pk=report.pk).exists()
    assert any("đã có tệp minh chứng" in message for message in messages_of(response))


def test_a_unit_made_co_lead_reports_as_lead(admin, world):
    # Given qlcn reports on task 1 as a member of "các phòng, đơn vị thuộc Sở" (a partner)
    assert owed(world, 1)["qlcn"] == (AssignmentRole.PARTNER, ReportStatus.DRAFT)

    # When it is made a co-lead of task 1 in its own right
    response = add_assignment(
        admin,
        Task.objects.get(plan=world.plan, number="1"),
        Unit.objects.get(code="qlcn"),
        AssignmentRole.LEAD,
    )

    # Then its report on task 1 is the same report, now as a lead
    assert owed(world, 1)["qlcn"] == (AssignmentRole.LEAD, ReportStatus.DRAFT)
    assert any(
        message.startswith("Kỳ đang mở: đổi vai trò trong 1 báo cáo") for message in messages_of(response)
    )


def test_a_closed_period_keeps_what_it_was(admin, world):
    period_set_open(period=world.period, is_open=False, by=world.coordinator)
    before = owed(world, 2)
    assignment = Assignment.objects.get(task__plan=world.plan, task__number="2", unit__code="lhh")

    response = delete_assignment(admin, assignment)
    add_assignment(admin, Task.objects.get(plan=world.plan, number="2"), Unit.objects.get(code="qlcn"))

    assert owed(world, 2) == before
    assert not [message for message in messages_of(response) if message.startswith("Kỳ đang mở")]


def test_the_task_page_of_the_admin_follows_its_inline_assignments_too(admin, world):
    # Given task 2's partner lhh replaced by qlcn on the task's own admin page
    from tests.tasks.test_admin import _inline_post, _rows

    task = Task.objects.get(plan=world.plan, number="2")
    rows = _rows(task)
    for row in rows:
        if row["unit"] == Unit.objects.get(code="lhh").pk:
            row["unit"] = Unit.objects.get(code="qlcn").pk

    response = admin.post(admin_url(Task, "change", task.pk), _inline_post(task, rows), follow=True)

    assert response.status_code == 200
    assert set(owed(world, 2)) == {"qlkh", "qlcn"}
    said = messages_of(response)
    assert any(message.startswith("Kỳ đang mở: thêm 1 báo cáo") for message in said)
    assert any(message.startswith("Kỳ đang mở: hủy 1 báo cáo") for message in said)


def test_the_new_report_of_a_fixed_date_task_done_before_is_not_asked(admin, world):
    # Given task 2 (due 31/03/2024) done and accepted in 2025 by a unit, and that unit assigned again
    # (nothing to ask: a fixed-date task completed and accepted is not asked again)
    from reports.models import Completion, ReportingPeriod

    earlier = ReportingPeriod.objects.create(
        plan=world.plan,
        key="2025",
        name="Năm 2025",
        year=2025,
        deadline=datetime.date(2025, 11, 15),
        cutoff_from=datetime.date(2024, 11, 11),
        cutoff_to=datetime.date(2025, 11, 10),
        is_open=False,
    )
    qlcn = Unit.objects.get(code="qlcn")
    task = Task.objects.get(plan=world.plan, number="2")
    TaskReport.objects.create(
        period=earlier,
        task=task,
        unit=qlcn,
        unit_name=qlcn.name,
        role=AssignmentRole.PARTNER,
        deadline=earlier.deadline,
        status=ReportStatus.ACCEPTED,
        completion=Completion.DONE,
        completed_on=datetime.date(2025, 5, 1),
        progress=100,
    )

    add_assignment(admin, task, qlcn)

    assert "qlcn" not in owed(world, 2)
