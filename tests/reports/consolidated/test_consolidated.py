"""The consolidated yearly report: composition from the unit reports, the office's edits, the
preview, the Word and Excel exports (from the browser and the command line) and who may do what."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.generator import document_build, export_bytes
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_save
from reports.exports.consolidated_xlsx import consolidated_workbook
from reports.models import (
    Completion,
    ConsolidatedReport,
    ConsolidatedTaskResult,
    Evidence,
    IndicatorValue,
    ReportStatus,
    TaskReport,
)
from reports.workflow.services import StaleReportError
from tasks.models import Indicator, IndicatorTarget, TargetScope, Task
from tests.helpers import report_in
from tests.reports.consolidated.conftest import HOSTILE


def scope_of(period):
    """The consolidated report's scope of one period (a yearly plan's year)."""
    return scope(period.plan, period.key)


def make(world, unit, task, **fields):
    TaskReport.objects.filter(pk=world.report(unit, task).pk).update(**fields)
    return world.report(unit, task)


def test_each_task_result_is_composed_from_accepted_reports_lead_first(year):
    document = document_build(scope_of(year.period))

    parts = {int(part.number): part for part in document.tasks}
    assert [part.number for part in document.tasks] == ["1", "2", "3", "4", "5"]
    assert parts[1].result == (
        "Trung tâm Khoa học và Công nghệ (chủ trì): Tổ chức 2 hội nghị quán triệt. Đăng 12 tin, bài.\n"
        "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai (phối hợp): Phối hợp tuyên truyền trên tạp chí.\n"
        "Chưa có kết quả được Sở xác nhận của: Phòng Kế hoạch Tài chính (phối hợp) đã gửi báo cáo, Sở đang "
        "xem xét; Phòng Quản lý Chuyên ngành (phối hợp) chưa gửi báo cáo; Phòng Quản lý Khoa học (phối hợp) "
        "chưa gửi báo cáo."
    )
    assert "Chưa được duyệt" not in parts[1].result
    assert parts[2].result == (
        "Chưa có kết quả được Sở xác nhận của: Phòng Quản lý Khoa học (chủ trì) chưa gửi báo cáo; "
        "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai (phối hợp) chưa gửi báo cáo."
    )
    assert parts[1].lead == ["Trung tâm Khoa học và Công nghệ"]
    assert "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai" in parts[1].partners
    assert parts[2].deadline == "Trong quý I/2024 (31/03/2024)"
    assert document.accepted_count == 3


def test_an_accepted_report_of_blanks_states_no_result(year):
    # Saved past the forms (which strip a text): blanks and line breaks, accepted as they are
    make(year, "lhh", 1, results="  \n\t ")
    document = document_build(scope_of(year.period))

    result = {int(part.number): part.result for part in document.tasks}[1]
    assert "(phối hợp): \n" not in result and "Phối hợp tuyên truyền" not in result
    assert (
        "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai (phối hợp) báo cáo được chấp nhận nhưng "
        "chưa nêu kết quả" in result
    )
    row = next(r for r in document.appendix if r.task_number == "1" and r.unit.startswith("Liên hiệp"))
    assert row.summary == "Đơn vị báo cáo được chấp nhận nhưng chưa nêu kết quả."


def test_groups_of_bodies_of_that_year_are_named_among_partners_though_they_never_report(year):
    document = document_build(scope_of(year.period))

    partners = {int(part.number): part.partners for part in document.tasks}
    assert "Các sở, ban, ngành tỉnh" in partners[3]
    assert "Các doanh nghiệp, tổ chức, cá nhân" in partners[3]
    # the district committees ceased on 30/06/2025: not named in the 2026 report
    assert not any("Ủy ban nhân dân các huyện" in name for names in partners.values() for name in names)


def test_the_appendix_has_one_row_per_task_and_unit_with_its_state(year):
    document = document_build(scope_of(year.period))

    assert len(document.appendix) == 21
    first = document.appendix[0]
    assert (first.order, first.task_number, first.unit, first.role) == (
        1,
        "1",
        "Trung tâm Khoa học và Công nghệ",
        "Chủ trì",
    )
    assert first.state == "Hoàn thành đúng hạn"
    assert first.deadline == "15/11/2026" and first.deadline_date == datetime.date(2026, 11, 15)
    khtc = next(
        row for row in document.appendix if row.unit == "Phòng Kế hoạch Tài chính" and row.task_number == "1"
    )
    assert khtc.summary == "Đơn vị đã gửi báo cáo, Sở đang xem xét."
    assert khtc.state == "Đã báo cáo, chờ Sở xem xét"
    assert dict(document.state_counts) == {
        # ttkhcn 1 and qlcn 3 done; lhh 1 accepted while in progress; task 2 is past 31/03/2024;
        # khtc 1 sent and not yet reviewed, apart; the fifteen drafts not started
        "Hoàn thành đúng hạn": 2,
        "Hoàn thành quá hạn": 0,
        "Đang thực hiện trong hạn": 1,
        "Đang thực hiện quá hạn": 2,
        "Chưa thực hiện": 15,
        "Đã báo cáo, chờ Sở xem xét": 1,
    }
    assert dict(document.task_counts) == {
        # tasks 1 and 3 by their leads; task 2 past its date; tasks 4 and 5 not started
        "Hoàn thành đúng hạn": 2,
        "Hoàn thành quá hạn": 0,
        "Đang thực hiện trong hạn": 0,
        "Đang thực hiện quá hạn": 1,
        "Chưa thực hiện": 2,
        "Đã báo cáo, chờ Sở xem xét": 0,
    }


def test_a_year_with_no_accepted_report_still_builds_and_says_so(before_deadline, world):
    document = document_build(scope_of(world.period))

    assert document.accepted_count == 0
    assert all(part.result.startswith("Chưa có kết quả được Sở xác nhận của: ") for part in document.tasks)
    assert len(document.appendix) == 21


def test_the_defaults_come_from_the_plan(year):
    document = document_build(scope_of(year.period))

    assert document.authority == "UBND TỈNH ĐỒNG NAI"
    assert document.issuer == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert document.number == "        /BC-SKHCN"
    assert document.date is None
    assert document.subject.startswith("Kết quả thực hiện Kế hoạch tổ chức thực hiện Kết luận số 463")
    assert document.subject.endswith("năm 2026")
    assert document.signer_title == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert document.recipients[0] == "Ủy ban nhân dân tỉnh Đồng Nai (b/c);"


def test_building_costs_the_same_queries_with_many_reports(year, django_assert_max_num_queries):
    # the plan's basis documents are read once for the opening of a report not yet prepared; each
    # task and unit's latest report, the earlier completions and the accepted results, three
    # queries; the tasks' indicators with their targets, and the values sent, two; the numbers of
    # the appendix's accepted reports, one
    with django_assert_max_num_queries(13):
        document_build(scope_of(year.period))
    for n in range(60):
        make_task = Task.objects.create(plan=year.plan, number=100 + n, title=f"Nhiệm vụ {n}", content="…")
        indicator = Indicator.objects.create(
            task=make_task, name="Hội nghị tổ chức", unit_of_measure="hội nghị"
        )
        IndicatorTarget.objects.create(indicator=indicator, scope=TargetScope.PLAN, value=Decimal(2))
        report = TaskReport.objects.create(
            period=year.period,
            task=make_task,
            unit=year.ttkhcn_staff.unit,
            unit_name="TT",
            role="lead",
            deadline=year.period.deadline,
            status=ReportStatus.ACCEPTED,
            completion=Completion.DONE,
            completed_on=datetime.date(2026, 10, 1),
            results="x",
        )
        IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal(3))
    with django_assert_max_num_queries(13):
        document = document_build(scope_of(year.period))
    assert len(document.appendix) == 81
    assert sum(len(part.figures) for part in document.tasks) >= 60


# ------------------------------------------------------------------------------
# The office's edits
# ------------------------------------------------------------------------------
def form_data(world, version=0, **extra):
    data = {
        "version": str(version),
        "number": "245",
        "symbol": "BC-SKHCN",
        "issued_on": "20/11/2026",
        "subject": "Kết quả thực hiện Kế hoạch 463 năm 2026",
        "introduction": "Mở đầu.",
        "direction": "Sở đã ban hành văn bản hướng dẫn.",
        "strengths": "Các đơn vị tích cực.",
        "weaknesses": "Một số đơn vị báo cáo chậm.",
        "causes": "Thiếu nhân lực.",
        "next_year": "Tiếp tục.",
        "proposals": "Đề nghị UBND tỉnh bố trí kinh phí.",
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "Đoàn Tấn Đạt",
        "recipients": "UBND tỉnh (b/c);\nLưu: VT, QLKH.",
    }
    for task in Task.objects.filter(plan=world.plan):
        data[f"result_{task.pk}"] = document_result(world, task.number)
    data.update(extra)
    return data


def document_result(world, number):
    return next(
        part.result for part in document_build(scope_of(world.period)).tasks if part.number == str(number)
    )


def test_the_coordinator_prepares_the_report_and_an_edited_result_stays(client, year):
    task_1 = Task.objects.get(plan=year.plan, number=1)
    client.force_login(year.coordinator)
    url = reverse("reports:consolidated_edit", args=[year.plan.pk, year.period.key])
    assert client.get(url).status_code == 200

    response = client.post(url, form_data(year, **{f"result_{task_1.pk}": "Kết quả do Phòng viết lại."}))

    assert response.status_code == 302
    report = ConsolidatedReport.objects.get(plan=year.plan, scope=year.period.key)
    assert (report.reference, report.issued_on, report.version) == (
        "245/BC-SKHCN",
        datetime.date(2026, 11, 20),
        1,
    )
    assert list(ConsolidatedTaskResult.objects.values_list("task__number", "text")) == [
        ("1", "Kết quả do Phòng viết lại.")
    ]
    # a result left as composed keeps following the unit reports
    report_in(
        year,
        "accepted",
        "qlkh",
        4,
        results="Đặt hàng 3 nhiệm vụ.",
        completion=Completion.DONE,
        completed_on=datetime.date(2026, 10, 1),
    )
    document = document_build(scope_of(year.period))
    assert document.tasks[0].result == "Kết quả do Phòng viết lại."
    assert "Đặt hàng 3 nhiệm vụ." in document.tasks[3].result
    page = client.get(
        reverse("reports:consolidated_detail", args=[year.plan.pk, year.period.key])
    ).content.decode()
    assert "Kết quả do Phòng viết lại." in page and "Số: 245/BC-SKHCN" in page


def test_a_blank_result_goes_back_to_the_composed_one(year):
    task_1 = Task.objects.get(plan=year.plan, number=1)
    consolidated_save(
        scope=scope_of(year.period), by=year.coordinator, version=0, data={}, results={task_1.pk: "Sửa."}
    )

    consolidated_save(
        scope=scope_of(year.period), by=year.coordinator, version=1, data={}, results={task_1.pk: "  "}
    )

    assert not ConsolidatedTaskResult.objects.exists()
    assert (
        document_build(scope_of(year.period))
        .tasks[0]
        .result.startswith("Trung tâm Khoa học và Công nghệ (chủ trì)")
    )


def test_a_save_from_a_stale_page_is_refused_and_changes_nothing(client, year):
    consolidated_save(
        scope=scope_of(year.period),
        by=year.coordinator,
        version=0,
        data={"direction": "Bản thứ nhất."},
        results={},
    )
    client.force_login(year.coordinator)

    response = client.post(
        reverse("reports:consolidated_edit", args=[year.plan.pk, year.period.key]),
        form_data(year, version=0, direction="Bản ghi đè."),
    )

    assert response.status_code == 400
    assert "người khác lưu" in response.content.decode()
    assert ConsolidatedReport.objects.get().direction == "Bản thứ nhất."
    with pytest.raises(StaleReportError):
        consolidated_save(scope=scope_of(year.period), by=year.coordinator, version=5, data={}, results={})


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("issued_on", "31/02/2026", "Nhập"),
        ("issued_on", "2026-13-01", "Nhập"),
        ("subject", "", "bắt buộc"),
        ("signer_title", "", "bắt buộc"),
        ("version", "", "phiên bản"),
        ("version", "abc", "phiên bản"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, year, field, value, message):
    client.force_login(year.coordinator)

    response = client.post(
        reverse("reports:consolidated_edit", args=[year.plan.pk, year.period.key]),
        form_data(year, **{field: value}),
    )

    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not ConsolidatedReport.objects.exists()


# ------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------
def test_the_word_export_holds_the_report(client, year):
    consolidated_save(
        scope=scope_of(year.period),
        by=year.coordinator,
        version=0,
        results={},
        data={
            "number": "245",
            "issued_on": datetime.date(2026, 11, 20),
            "direction": "<script>alert(1)</script>",
        },
    )
    client.force_login(year.leadership)

    response = client.get(
        reverse("reports:consolidated_export", args=[year.plan.pk, year.period.key, "docx"])
    )

    assert response.status_code == 200
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert 'filename="bao-cao-kh-463-2026.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for expected in (
        "Số: 245/BC-SKHCN",
        "BÁO CÁO",
        "<script>alert(1)</script>",
        "Tổ chức 2 hội nghị quán triệt.",
        HOSTILE,
        "ngày 20 tháng 11 năm 2026",
    ):
        assert expected in text, expected


def test_the_excel_file_downloaded_holds_every_cell_of_the_whole_document(year):
    # The download leaves the tasks' composed results out of the document it builds: the Excel
    # file has no place for them, so its cells are those of a file built from the whole document.
    the_scope = scope_of(year.period)

    def cells(content):
        book = load_workbook(io.BytesIO(content))
        return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book}

    downloaded = cells(export_bytes(the_scope, "xlsx")[0])
    assert downloaded == cells(consolidated_workbook(document_build(the_scope)))
    assert "Tổ chức 2 hội nghị quán triệt. Đăng 12 tin, bài." in str(downloaded["Phụ lục"])


def test_the_excel_appendix_is_typed_and_inert(client, year):
    make(year, "qlcn", 3, funds_planned=12_000_000, difficulties=HOSTILE)
    client.force_login(year.coordinator)

    response = client.get(
        reverse("reports:consolidated_export", args=[year.plan.pk, year.period.key, "xlsx"])
    )

    assert response.status_code == 200
    assert 'filename="bao-cao-kh-463-2026-phu-luc.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Phụ lục",
        "Tổng hợp tình trạng",
        "Chỉ tiêu",
        "Số liệu của đơn vị",
        "Báo cáo đơn vị",
    ]
    appendix = book["Phụ lục"]
    assert appendix.freeze_panes == "A2"
    assert [c.value for c in appendix[1]] == [
        "TT",
        "Nhiệm vụ",
        "Tên nhiệm vụ",
        "Đơn vị",
        "Vai trò",
        "Thời hạn",
        "Kết quả thực hiện",
        "Tình trạng",
    ]
    assert appendix.max_row == 22
    assert (
        isinstance(appendix["F2"].value, datetime.datetime) and appendix["F2"].number_format == "dd/mm/yyyy"
    )
    assert appendix.column_dimensions["G"].width >= 40
    reports = book["Báo cáo đơn vị"]
    assert reports.max_row == 22
    rows = {(row[4].value, row[2].value): row for row in reports.iter_rows(min_row=2)}
    qlcn = rows["Phòng Quản lý Chuyên ngành", "3"]
    assert qlcn[12].value == HOSTILE and qlcn[12].data_type == "s"
    assert qlcn[13].value == HOSTILE and qlcn[13].data_type == "s"
    assert qlcn[16].value == 12_000_000 and qlcn[16].data_type == "n"
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)
    counts = book["Tổng hợp tình trạng"]
    assert [c.value for c in list(counts.iter_rows())[-1]] == ["Tổng cộng", 21]


def test_the_excel_file_counts_each_reports_evidence(year):
    with_files, without = year.report("qlcn", 3), year.report("khtc", 1)
    Evidence.objects.bulk_create(
        Evidence(
            report=with_files,
            file=f"minh-chung/x/{n}.pdf",
            original_name=f"{n}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=year.coordinator,
        )
        for n in range(2)
    )

    book = load_workbook(io.BytesIO(export_bytes(scope_of(year.period), "xlsx")[0]))

    reports = book["Báo cáo đơn vị"]
    assert reports.cell(1, 21).value == "Số tệp minh chứng"
    files = {(row[4].value, row[2].value): row[20].value for row in reports.iter_rows(min_row=2)}
    assert files[with_files.unit_name, "3"] == 2
    assert files[without.unit_name, "1"] == 0
    assert sum(files.values()) == 2


def test_an_unknown_export_format_is_404(client, year):
    client.force_login(year.coordinator)
    assert client.get(f"/tong-hop/{year.plan.pk}/{year.period.key}/tai-ve.pdf").status_code == 404
    assert client.get("/tong-hop/99999/tai-ve.docx").status_code == 404


def test_the_command_writes_both_files(year, tmp_path):
    for fmt in ("docx", "xlsx"):
        target = tmp_path / f"bao-cao.{fmt}"
        call_command(
            "export_report",
            "--plan",
            str(year.plan.pk),
            "--year",
            "2026",
            "--format",
            fmt,
            "--output",
            str(target),
        )
        assert target.stat().st_size > 1000
    Document(str(tmp_path / "bao-cao.docx"))
    load_workbook(str(tmp_path / "bao-cao.xlsx"))
    call_command(
        "export_report",
        "--plan",
        "kh-463",
        "--year",
        "2026",
        "--format",
        "docx",
        "--output",
        str(tmp_path / "b.docx"),
    )
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plan", "khong-co"], "Không có kế hoạch"),
        (["--year", "2019"], "chưa có kỳ báo cáo “2019”"),
        (["--output", "/khong/co/thu/muc/a.docx"], "không tồn tại"),
    ],
)
def test_the_command_refuses_bad_arguments(year, tmp_path, args, message):
    base = {"--plan": "kh-463", "--year": "2026", "--format": "docx", "--output": str(tmp_path / "a.docx")}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *[item for pair in base.items() for item in pair])


# ------------------------------------------------------------------------------
# Who may do what
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "account, read, write",
    [
        ("ttkhcn_staff", 403, 403),
        ("ttkhcn_head", 403, 403),
        ("qlkh_head", 403, 403),
        ("finance", 403, 403),
        ("leadership", 200, 403),
        ("coordinator", 200, 302),
        ("admin", 200, 302),
    ],
)
def test_who_reads_exports_and_prepares(client, year, account, read, write):
    client.force_login(getattr(year, account))
    pk = (year.plan.pk, year.period.key)

    assert client.get(reverse("reports:consolidated_list")).status_code == read
    assert client.get(reverse("reports:consolidated_detail", args=[*pk])).status_code == read
    assert client.get(reverse("reports:consolidated_export", args=[*pk, "docx"])).status_code == read
    assert client.get(reverse("reports:consolidated_export", args=[*pk, "xlsx"])).status_code == read
    assert client.post(reverse("reports:consolidated_export", args=[*pk, "docx"])).status_code == 405
    response = client.post(reverse("reports:consolidated_edit", args=[*pk]), form_data(year))
    assert response.status_code == write
    assert ConsolidatedReport.objects.exists() == (write == 302)


def test_anonymous_visitors_get_the_login_page(client, year):
    for url in (
        reverse("reports:consolidated_list"),
        reverse("reports:consolidated_export", args=[year.plan.pk, year.period.key, "docx"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_preview_costs_few_queries(client, year, django_assert_max_num_queries):
    client.force_login(year.coordinator)
    # Two more than before the reports were condensed in SQL: each task and unit's latest report, then
    # every report of the page's tasks, and the earlier completions apart.
    with django_assert_max_num_queries(17):
        assert (
            client.get(
                reverse("reports:consolidated_detail", args=[year.plan.pk, year.period.key])
            ).status_code
            == 200
        )


def test_a_year_with_no_accepted_report_still_exports_both_files_and_says_so(client, before_deadline, world):
    client.force_login(world.coordinator)

    docx = client.get(reverse("reports:consolidated_export", args=[world.plan.pk, world.period.key, "docx"]))
    xlsx = client.get(reverse("reports:consolidated_export", args=[world.plan.pk, world.period.key, "xlsx"]))

    assert docx.status_code == 200 and xlsx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Năm 2026 chưa có báo cáo nào của các đơn vị được chấp nhận" in text
    appendix = load_workbook(io.BytesIO(xlsx.content))["Phụ lục"]
    assert appendix.max_row == 22
    assert all(row[6].value == "Đơn vị chưa gửi báo cáo." for row in appendix.iter_rows(min_row=2))
