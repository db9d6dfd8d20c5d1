"""The seed is Kế hoạch 463 exactly as written (fixtures/ke-hoach-463-KL-TU.txt)."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.models import ReportingPeriod
from reports.states import deadline_for
from tasks.models import Assignment, DeadlineKind, DutyKind, LegalDocument, Plan, Task, Unit, UnitKind
from tests.helpers import plan_load_seed

PLAN_TEXT = (Path(__file__).resolve().parents[2] / "fixtures" / "ke-hoach-463-KL-TU.txt").read_text(
    encoding="utf-8"
)

EXPECTED = {
    1: {
        "lead": "Trung tâm Khoa học và Công nghệ",
        "partners": {
            "Ban Tuyên giáo Tỉnh ủy",
            "Các sở, ban, ngành tỉnh",
            "Ủy ban nhân dân các huyện, thành phố",
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Đồng Nai",
            "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai",
            "Các phòng chuyên môn, đơn vị trực thuộc Sở",
        },
        "deadline": (DeadlineKind.ONGOING, None),
    },
    2: {
        "lead": "Phòng Quản lý Khoa học",
        "partners": {"Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai"},
        "deadline": (DeadlineKind.FIXED, datetime.date(2024, 3, 31)),
    },
    3: {
        "lead": "Phòng Quản lý Chuyên ngành",
        "partners": {
            "Các sở, ban, ngành tỉnh",
            "Ủy ban nhân dân các huyện, thành phố",
            "Các doanh nghiệp, tổ chức, cá nhân",
            "Các phòng chuyên môn, đơn vị trực thuộc Sở",
        },
        "deadline": (DeadlineKind.ONGOING, None),
    },
    4: {
        "lead": "Phòng Quản lý Khoa học",
        "partners": {
            "Các sở, ban, ngành tỉnh",
            "Ủy ban nhân dân các huyện, thành phố",
            "Các viện, trường đại học, tổ chức khoa học và công nghệ",
            "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai",
            "Các phòng chuyên môn, đơn vị trực thuộc Sở",
        },
        # the plan says only "Hàng năm": judged at the period's deadline, not on a day of its own
        "deadline": (DeadlineKind.ONGOING, None),
    },
}
EXPECTED[5] = {**EXPECTED[4], "deadline": (DeadlineKind.ONGOING, None)}


def test_plan_header_is_as_written(plan_463):
    assert plan_463.number == ""
    assert plan_463.number_template == "/KH-SKHCN"
    assert plan_463.issued_year == 2024 and plan_463.issued_on is None
    assert plan_463.issuer.name == "Sở Khoa học và Công nghệ tỉnh Đồng Nai"
    assert plan_463.title.startswith("Tổ chức thực hiện Kết luận số 463- KL/TU ngày 17/11/2023")
    assert plan_463.signer_title.splitlines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert plan_463.signer_name == "Đoàn Tấn Đạt"
    assert plan_463.filing_code.startswith("QLK048")
    assert plan_463.coordinating_unit.name == "Phòng Quản lý Khoa học"
    assert plan_463.report_recipient.name == "Ủy ban nhân dân tỉnh Đồng Nai"
    assert plan_463.periods_of_year(2025)[0].deadline == datetime.date(2025, 11, 15)
    assert plan_463.deadline_rule == "ngày 15/11 hằng năm"
    assert plan_463.recipients.splitlines()[-1] == "- Lưu: VT, QLK;"


def test_basis_documents(plan_463):
    documents = {doc.number: doc for doc in plan_463.basis_documents.all()}
    assert set(documents) == {"463-KL/TU", "1394/UBND-KGVX"}
    assert documents["463-KL/TU"].issued_on == datetime.date(2023, 11, 17)
    assert documents["463-KL/TU"].issuer.name == "Thường trực Tỉnh ủy Đồng Nai"
    assert documents["1394/UBND-KGVX"].issued_on == datetime.date(2024, 2, 5)
    assert documents["1394/UBND-KGVX"].issuer.name == "Ủy ban nhân dân tỉnh Đồng Nai"


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_each_task_has_its_lead_partners_and_deadline(plan_463, number):
    task = plan_463.tasks.get(number=number)
    roles = {(a.unit.name, a.role) for a in task.assignments.select_related("unit")}
    assert {name for name, role in roles if role == "lead"} == {EXPECTED[number]["lead"]}
    assert {name for name, role in roles if role == "partner"} == EXPECTED[number]["partners"]
    kind, due_date = EXPECTED[number]["deadline"]
    assert task.deadline_kind == kind
    assert task.due_date == due_date


def test_exactly_five_tasks_whose_text_is_verbatim(plan_463):
    tasks = list(plan_463.tasks.all())
    assert [task.number for task in tasks] == ["1", "2", "3", "4", "5"]
    for task in tasks:
        for paragraph in task.content.splitlines():
            assert paragraph in PLAN_TEXT
        assert task.lead_text in PLAN_TEXT
        assert task.partner_text in PLAN_TEXT


def test_task_2_deadline_keeps_the_original_wording(plan_463):
    task = plan_463.tasks.get(number=2)
    assert task.deadline_text == "Trong quý I/2024"
    assert deadline_for(task, year_2024(plan_463)) == datetime.date(2024, 3, 31)
    assert task.deadline_label == "Trong quý I/2024 (31/03/2024)"


def test_the_seed_follows_the_plan_text(plan_463):
    tasks = {int(task.number): task for task in plan_463.tasks.all()}
    # The plan gives tasks 1, 3 and 5 no deadline of their own ("thường xuyên hàng năm" is section
    # III's time of the whole plan); task 4 says only "Hàng năm".
    for number in (1, 3, 5):
        assert tasks[number].deadline_text == ""
        assert tasks[number].deadline_label == (
            "Kế hoạch không nêu thời hạn riêng: đánh giá theo hạn của kỳ báo cáo"
        )
    assert tasks[4].deadline_text == "Hàng năm"
    assert tasks[4].deadline_label == "Hàng năm (đánh giá theo hạn của kỳ báo cáo)"
    # Tasks 2, 4 and 5 have no title in the plan: the app's short titles say so.
    assert {n for n, task in tasks.items() if task.title_is_short} == {2, 4, 5}
    assert "(đính kèm)" in plan_463.preamble and "*" not in plan_463.preamble


def year_2024(plan):
    return ReportingPeriod(plan=plan, year=2024, deadline=plan.periods_of_year(2024)[0].deadline)


def test_ongoing_and_yearly_tasks_are_judged_at_the_report_deadline(plan_463):
    period = ReportingPeriod(plan=plan_463, year=2026, deadline=plan_463.periods_of_year(2026)[0].deadline)
    assert period.deadline == datetime.date(2026, 11, 15)
    assert deadline_for(plan_463.tasks.get(number=1), period) == datetime.date(2026, 11, 15)
    assert deadline_for(plan_463.tasks.get(number=4), period) == datetime.date(2026, 11, 15)


def test_groups_of_bodies_are_groups_with_members(plan_463):
    districts = Unit.objects.get(name="Ủy ban nhân dân các huyện, thành phố")
    assert districts.kind == UnitKind.GROUP
    assert districts.members.count() == 11
    assert all(member.valid_to == datetime.date(2025, 6, 30) for member in districts.members.all())
    inside = Unit.objects.get(code="nhom-don-vi-thuoc-so").members.values_list("code", flat=True)
    assert set(inside) == {"qlkh", "qlcn", "khtc", "ttkhcn"}


def test_duties_of_section_iv(plan_463):
    duties = {duty.kind: duty for duty in plan_463.duties.select_related("unit", "recipient")}
    assert duties[DutyKind.REPORT].recipient.code == "qlkh"
    assert "trước ngày 15/11 hàng năm" in duties[DutyKind.REPORT].content
    assert duties[DutyKind.FOLLOW_UP].unit.code == "qlkh"
    assert duties[DutyKind.FUNDING].unit.code == "khtc"
    assert duties[DutyKind.COMMUNICATION].unit.code == "ttkhcn"
    assert duties[DutyKind.ESCALATION].recipient.code == "ban-giam-doc"
    for duty in duties.values():
        assert duty.content in PLAN_TEXT


def _counts():
    return [model.objects.count() for model in (Unit, LegalDocument, Plan, Task, Assignment)] + [
        model.history.count() for model in (Unit, Plan, Task, Assignment)
    ]


def test_loading_twice_changes_nothing(plan_463):
    before = _counts()
    result = plan_load_seed()
    assert result.created == []
    assert _counts() == before


def test_reloading_never_undoes_an_administrators_edit(plan_463):
    task = plan_463.tasks.get(number=2)
    lead = task.assignments.get(role="lead")
    lead.note = "Đã sửa bởi quản trị viên"
    lead.save()
    task.title = "Tên đã sửa"
    task.save()

    call_command("load_plan", verbosity=0)

    task.refresh_from_db()
    lead.refresh_from_db()
    assert task.title == "Tên đã sửa"
    assert lead.note == "Đã sửa bởi quản trị viên"


def test_load_plan_command_loads_every_plan_file_and_is_idempotent(db, capsys):
    # Without a path, every plan file of fixtures/plans/: Kế hoạch 463 and the Nghị quyết 57 plan
    call_command("load_plan")
    first = capsys.readouterr().out
    call_command("load_plan")
    second = capsys.readouterr().out
    assert "ke-hoach-463.json: tạo mới" in first and "ke-hoach-nq57.json: tạo mới" in first
    assert "tạo mới 0 mục" not in first
    assert second.count("tạo mới 0 mục") == 2
    assert Task.objects.filter(plan__code="kh-463").count() == 5
    assert Task.objects.filter(plan__code="kh-nq57").count() == 12
