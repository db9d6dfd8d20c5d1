"""Issue 15: two years of Kế hoạch 463 (2024 accepted; 2025 mixed) read back from the Word and Excel
files of the 2025 report, and the issued report frozen against later unit edits."""

import datetime
import io
import os
import shutil

import pytest
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.generator import document_build, export_bytes
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_issue, consolidated_new_edition, consolidated_save
from reports.models import Completion, ConsolidatedReport, ReportingPeriod, TaskReport
from reports.workflow.services import period_open, report_accept, report_reopen, report_submit
from tasks.models import IndicatorTarget, Plan, TargetScope, Task
from tests.conftest import world_build
from tests.helpers import REOPEN_COMMENT, fresh, head_of, output_indicator, report_in, report_save, staff_of
from tests.reports.exports.test_docx import first_line, page_text, pages, run

TZ = datetime.timezone(datetime.timedelta(hours=7))
LONG_SUBJECT = "Kết quả thực hiện Kế hoạch " + "rất dài " * 60


@pytest.fixture
def two_years(plan_463, time_machine):
    """2024: every report accepted, task 2 done on 28/03/2024. 2025: task 1's lead returned then
    resubmitted and accepted; task 3's lead never reports; task 4's lead sent, not reviewed; task 5's
    lead raises a difficulty to the Director, accepted."""
    Plan.objects.filter(pk=plan_463.pk).update(number="58/KH-SKHCN", issued_on=datetime.date(2024, 2, 20))
    plan = Plan.objects.get(pk=plan_463.pk)
    time_machine.move_to(datetime.datetime(2024, 11, 1, 9, tzinfo=TZ), tick=False)
    world = world_build(plan)  # opens 2026 as well; the 2025 report reads 2025 only
    period_open(plan=plan, year=2024, by=world.coordinator)
    world.period = ReportingPeriod.objects.get(plan=plan, key="2024")
    for report in TaskReport.objects.filter(period=world.period).select_related("unit", "task"):
        done = report.task.number == "2"
        report_in(
            world,
            "accepted",
            report.unit.code,
            int(report.task.number),
            results=f"Năm 2024: {report.unit_name} thực hiện nhiệm vụ {report.task.number}.",
            completion=Completion.DONE if done else Completion.IN_PROGRESS,
            completed_on=datetime.date(2024, 3, 28) if done else None,
            funds_planned=1_250_000 if report.task.number == "1" and report.role == "lead" else None,
        )
    time_machine.move_to(datetime.datetime(2025, 11, 20, 9, tzinfo=TZ), tick=False)
    period_open(plan=plan, year=2025, by=world.coordinator)
    world.period = ReportingPeriod.objects.get(plan=plan, key="2025")
    task_1 = Task.objects.get(plan=plan, number="1")
    for kind, target in (("articles", 10), ("events", 3)):
        IndicatorTarget.objects.create(
            indicator=output_indicator(task_1, kind), scope=TargetScope.YEAR, year=2025, value=target
        )
    report_in(world, "returned", "ttkhcn", 1, results="Lần đầu thiếu số liệu.")
    report_save(
        world.report("ttkhcn", 1),
        staff_of(world, "ttkhcn"),
        results="Tổ chức 2 hội nghị; đăng 12 tin, bài.",
        completion=Completion.DONE,
        completed_on=datetime.date(2025, 10, 1),
        funds_planned=2_000_000,
        funds_spent=1_500_000,
        outputs={"articles": 12, "events": 2},
    )
    report_submit(report=fresh(world.report("ttkhcn", 1)), by=head_of(world, "ttkhcn"))
    report_accept(report=fresh(world.report("ttkhcn", 1)), by=world.coordinator)
    report_in(world, "submitted", "qlkh", 4, results="Đã đặt hàng 3 nhiệm vụ.")
    report_in(
        world,
        "accepted",
        "qlkh",
        5,
        results="Công bố 4 nhu cầu nghiên cứu.",
        difficulties="Thiếu kinh phí.",
        escalate=True,
    )
    return world


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def test_the_2025_report_tells_what_is_true_for_the_year(two_years):
    the_scope = scope(two_years.plan, "2025")
    docx, _ = export_bytes(the_scope, "docx")
    text = _docx_text(docx)

    # Task 2: done in 2024, with its date and lead, not asked again
    assert not TaskReport.objects.filter(period__key="2025", task__number="2").exists()
    assert "Đã hoàn thành ngày 28/03/2024 (Phòng Quản lý Khoa học chủ trì" in text
    assert "Đơn vị chủ trì: không có" not in text
    # The lead who never reported, said in plain words; the report sent but not reviewed kept apart
    assert "Phòng Quản lý Chuyên ngành (chủ trì) chưa gửi báo cáo" in text
    assert "Phòng Quản lý Khoa học (chủ trì) đã gửi báo cáo, Sở đang xem xét" in text
    # Named bodies named, not judged
    assert "Ban Tuyên giáo Tỉnh ủy" in text
    assert not any(
        "Ban Tuyên giáo" in line and "quá hạn" in line for line in text.splitlines() if "|" in line
    )
    # Counts by task in the body: five states and awaiting review apart
    body_counts = [[c.text for c in row.cells] for row in Document(io.BytesIO(docx)).tables[1].rows]
    assert body_counts == [
        ["Tình trạng", "Số nhiệm vụ"],
        ["Hoàn thành đúng hạn", "2"],  # task 1, and task 2 done in 2024
        ["Hoàn thành quá hạn", "0"],
        ["Đang thực hiện trong hạn", "0"],
        ["Đang thực hiện quá hạn", "2"],  # task 3 never reported; task 5 accepted, not done
        ["Chưa thực hiện", "0"],
        ["Đã báo cáo, chờ Sở xem xét", "1"],  # task 4: sent, not reviewed, not overdue
        ["Tổng số nhiệm vụ", "5"],
    ]
    # Funds of task 1, and its indicators judged against their 2025 targets
    assert "Dự trù 2.000.000; đã sử dụng 1.500.000" in text
    assert "Tin, bài, phóng sự tuyên truyền: chỉ tiêu 10 tin, bài, thực hiện 12 tin, bài (vượt)" in text
    assert (
        "Hội nghị, sự kiện, lớp tập huấn tổ chức: chỉ tiêu 3 sự kiện, thực hiện 2 sự kiện (chưa đạt)" in text
    )
    # The appendix row of task 1's lead carries the numbers it reported and the Sở accepted
    ttkhcn_row = next(
        line for line in text.splitlines() if line.startswith("1 | ") and "Trung tâm Khoa học" in line
    )
    figures = ttkhcn_row.partition(" Số liệu: ")[2]
    assert "Tin, bài, phóng sự tuyên truyền: thực hiện 12 tin, bài" in figures
    assert "Hội nghị, sự kiện, lớp tập huấn tổ chức: thực hiện 2 sự kiện" in figures
    # The opening cites the plan and its basis; the appendix is announced; numbers standard
    assert "Kế hoạch số 58/KH-SKHCN ngày 20/02/2024" in text
    assert "Công văn số 1394/UBND-KGVX ngày 05/02/2024" in text
    assert "Kết luận số 463-KL/TU ngày 17/11/2023" in text
    assert "(có Phụ lục kèm theo)" in text
    assert "463- KL/TU" not in text
    assert "…" not in text

    xlsx, _ = export_bytes(the_scope, "xlsx")
    book = load_workbook(io.BytesIO(xlsx))
    reports = list(book["Báo cáo đơn vị"].iter_rows(min_row=2, values_only=True))
    ttkhcn = next(r for r in reports if r[2] == "1" and r[4] == "Trung tâm Khoa học và Công nghệ")
    assert ttkhcn[16:18] == (2_000_000, 1_500_000)
    assert any(r[14] == "Có" for r in reports)  # the difficulty raised to the Director
    indicators = list(book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True))
    articles = next(r for r in indicators if r[0] == "1" and r[2] == "Tin, bài, phóng sự tuyên truyền")
    assert articles[3:] == ("tin, bài", 10, 12, "vượt")  # the numbers typed as numbers
    unit_figures = list(book["Số liệu của đơn vị"].iter_rows(min_row=2, values_only=True))
    assert (1, "1", "Trung tâm Khoa học và Công nghệ", "Tin, bài, phóng sự tuyên truyền", "tin, bài", 12) in [
        row[:6] for row in unit_figures
    ]
    # Only what the Sở accepted: task 4's report, sent and not reviewed, gives no number
    assert not any(row[1] == "4" for row in unit_figures)


def test_task_states_of_the_2025_report(two_years):
    document = document_build(scope(two_years.plan, "2025"))
    states = {part.number: part.state for part in document.tasks}
    assert states["1"] == "Hoàn thành đúng hạn"
    assert states["2"] == "Hoàn thành đúng hạn"
    assert states["3"] == "Đang thực hiện quá hạn"
    assert states["4"] == "Đã báo cáo, chờ Sở xem xét"
    assert dict(document.task_counts)["Đã báo cáo, chờ Sở xem xét"] == 1


def test_an_issued_report_stays_as_issued_and_a_correction_is_a_new_edition(two_years):
    the_scope = scope(two_years.plan, "2025")
    consolidated_save(
        scope=the_scope,
        by=two_years.coordinator,
        version=0,
        data={"subject": LONG_SUBJECT},
        results={},
    )
    issued = consolidated_issue(
        scope=the_scope,
        by=two_years.coordinator,
        version=1,
        number="415",
        issued_on=datetime.date(2025, 11, 20),
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Đoàn Tấn Đạt",
    )
    frozen = bytes(ConsolidatedReport.objects.get(pk=issued.pk).docx_file)
    assert "Số: 415/BC-SKHCN" in _docx_text(frozen)
    assert Document(io.BytesIO(frozen)).core_properties.title == " ".join(LONG_SUBJECT.split())

    report_reopen(
        report=fresh(two_years.report("ttkhcn", 1)), by=two_years.coordinator, comment=REOPEN_COMMENT
    )
    again = ConsolidatedReport.objects.get(pk=issued.pk)
    assert bytes(again.docx_file) == frozen
    assert export_bytes(the_scope, "docx")[0] == frozen  # as `export_report` gives it
    assert "Tổ chức 2 hội nghị" in str(again.snapshot)
    with pytest.raises(Exception, match="đã ban hành"):
        consolidated_save(scope=the_scope, by=two_years.coordinator, version=2, data={}, results={})

    second = consolidated_new_edition(scope=the_scope, by=two_years.coordinator)
    assert second.edition == 2 and not second.is_issued and second.subject == LONG_SUBJECT
    assert ConsolidatedReport.objects.filter(plan=two_years.plan, scope="2025").count() == 2


def test_libreoffice_prints_the_2025_report_with_the_appendix_numbered_on_its_own(two_years, tmp_path):
    """The one slow test: LibreOffice prints the report; the body's pages are numbered from the
    second, the appendix's from 1 again (missing tools fail under CI, skip elsewhere)."""
    missing = [tool for tool in ("soffice", "pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"{', '.join(missing)} not installed")
        pytest.skip(f"{', '.join(missing)} not installed")
    docx, _ = export_bytes(scope(two_years.plan, "2025"), "docx")
    source = tmp_path / "bao-cao-2025.docx"
    source.write_bytes(docx)
    run(
        "soffice",
        f"-env:UserInstallation=file://{tmp_path}/lo-profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
    )
    pdf = tmp_path / "bao-cao-2025.pdf"
    count = pages(pdf)
    texts = [page_text(pdf, page) for page in range(1, count + 1)]
    appendix = next(index for index, text in enumerate(texts, start=1) if "PHỤ LỤC" in text)

    assert appendix > 2
    assert first_line(texts[0]).startswith("UBND TỈNH ĐỒNG NAI")  # no number on the first page
    assert [first_line(texts[page - 1]) for page in range(2, appendix)] == [
        str(page) for page in range(2, appendix)
    ]
    assert [first_line(texts[page - 1]) for page in range(appendix, count + 1)] == [
        str(number) for number in range(1, count - appendix + 2)
    ]
    body = "\n".join(texts[: appendix - 1])
    assert "(có Phụ lục kèm theo)" in body
    assert "…" not in "\n".join(texts)
