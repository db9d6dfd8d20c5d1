"""The Excel appendix of the consolidated report: the appendix table, the counts by state, each task's
indicators against their targets, the numbers each row of the appendix rests on, and every unit
report of the period, one row each."""

from __future__ import annotations

from kehoach.spreadsheets import DATE, INTEGER, MONEY, NUMBER, PERCENT, Column, Sheet, workbook_bytes

from .document import ReportDocument

APPENDIX_COLUMNS = [
    Column("TT", INTEGER, 6),
    Column("Nhiệm vụ", width=10),
    Column("Tên nhiệm vụ", width=40),
    Column("Đơn vị", width=36),
    Column("Vai trò", width=11),
    Column("Thời hạn", DATE, 12),
    Column("Kết quả thực hiện", width=70),
    Column("Tình trạng", width=26),
]
INDICATOR_COLUMNS = [
    Column("Nhiệm vụ", width=10),
    Column("Tên nhiệm vụ", width=40),
    Column("Chỉ tiêu", width=40),
    Column("Đơn vị tính", width=14),
    Column("Mức chỉ tiêu", NUMBER, 14),
    Column("Thực hiện", NUMBER, 14),
    Column("Đánh giá", width=18),
]
UNIT_FIGURE_COLUMNS = [
    Column("TT", INTEGER, 6),
    Column("Nhiệm vụ", width=10),
    Column("Đơn vị", width=36),
    Column("Chỉ tiêu", width=40),
    Column("Đơn vị tính", width=14),
    Column("Số liệu", NUMBER, 14),
]
REPORT_COLUMNS = [
    Column("Kỳ báo cáo", width=22),
    Column("Kế hoạch", width=12),
    Column("Nhiệm vụ", width=10),
    Column("Tên nhiệm vụ", width=36),
    Column("Đơn vị", width=36),
    Column("Vai trò", width=11),
    Column("Trạng thái báo cáo", width=18),
    Column("Tình trạng nhiệm vụ", width=26),
    Column("Hạn", DATE, 12),
    Column("Mức độ hoàn thành", width=18),
    Column("Ngày hoàn thành", DATE, 14),
    Column("Tiến độ (%)", PERCENT, 11),
    Column("Kết quả đạt được", width=70),
    Column("Khó khăn, vướng mắc", width=50),
    Column("Báo cáo Giám đốc Sở", width=12),
    Column("Kiến nghị, đề xuất", width=50),
    Column("Kinh phí dự trù (đồng)", MONEY, 20),
    Column("Kinh phí đã sử dụng (đồng)", MONEY, 22),
    Column("Gửi lần đầu", DATE, 14),
    Column("Chấp nhận", DATE, 14),
    Column("Số tệp minh chứng", INTEGER, 10),
]


def consolidated_workbook(document: ReportDocument) -> bytes:
    appendix = Sheet(
        "Phụ lục",
        APPENDIX_COLUMNS,
        (
            [
                row.order,
                row.task_number,
                row.task_title,
                row.unit,
                row.role,
                row.deadline_date,
                row.summary,
                row.state,
            ]
            for row in document.appendix
        ),
    )
    counts = Sheet(
        "Tổng hợp tình trạng",
        [Column("Tình trạng", width=30), Column("Số nhiệm vụ, đơn vị", INTEGER, 18)],
        ([label, n] for label, n in document.state_counts),
        footer=[["Tổng cộng", sum(n for _, n in document.state_counts)]],
    )
    indicators = Sheet(
        "Chỉ tiêu",
        INDICATOR_COLUMNS,
        (
            [part.number, part.title, f.label, f.unit, f.target, f.actual, f.verdict]
            for part in document.tasks
            for f in part.figures
        ),
    )
    # The numbers behind each row of the appendix: what the unit reported and the Sở accepted
    unit_figures = Sheet(
        "Số liệu của đơn vị",
        UNIT_FIGURE_COLUMNS,
        (
            [row.order, row.task_number, row.unit, f.label, f.unit, f.actual]
            for row in document.appendix
            for f in row.figures
        ),
    )
    reports = Sheet(
        "Báo cáo đơn vị",
        REPORT_COLUMNS,
        (
            [
                r.period,
                r.plan,
                r.task_number,
                r.task_title,
                r.unit,
                r.role,
                r.status,
                r.state,
                r.deadline,
                r.completion,
                r.completed_on,
                r.progress,
                r.results,
                r.difficulties,
                "Có" if r.escalated else "",
                r.proposals,
                r.funds_planned,
                r.funds_spent,
                r.submitted_on,
                r.accepted_on,
                r.files,
            ]
            for r in document.unit_reports
        ),
    )
    return workbook_bytes([appendix, counts, indicators, unit_figures, reports])
