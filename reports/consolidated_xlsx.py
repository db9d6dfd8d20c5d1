"""The Excel appendix of the consolidated report: the appendix table, the counts by state, and every
unit report of the year, one row each."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from tasks.models import AssignmentRole

from .document import ReportDocument
from .models import Completion, ReportingPeriod, ReportStatus, TaskReport, TaskState
from .states import state_expression
from .xlsx import DATE, INTEGER, MONEY, PERCENT, Column, Sheet, workbook_bytes

APPENDIX_COLUMNS = [
    Column("TT", INTEGER, 6), Column("Nhiệm vụ", INTEGER, 10), Column("Tên nhiệm vụ", width=40),
    Column("Đơn vị", width=36), Column("Vai trò", width=11), Column("Thời hạn", DATE, 12),
    Column("Kết quả thực hiện", width=70), Column("Tình trạng", width=26),
]
REPORT_COLUMNS = [
    Column("Năm", INTEGER, 8), Column("Kế hoạch", width=12), Column("Nhiệm vụ", INTEGER, 10),
    Column("Tên nhiệm vụ", width=36), Column("Đơn vị", width=36), Column("Vai trò", width=11),
    Column("Trạng thái báo cáo", width=18), Column("Tình trạng nhiệm vụ", width=26), Column("Hạn", DATE, 12),
    Column("Mức độ hoàn thành", width=18), Column("Ngày hoàn thành", DATE, 14), Column("Tiến độ (%)", PERCENT, 11),
    Column("Kết quả đạt được", width=70), Column("Khó khăn, vướng mắc", width=50),
    Column("Báo cáo Giám đốc Sở", width=12), Column("Kiến nghị, đề xuất", width=50),
    Column("Kinh phí dự trù (đồng)", MONEY, 20), Column("Kinh phí đã sử dụng (đồng)", MONEY, 22),
    Column("Gửi lần đầu", DATE, 14), Column("Chấp nhận", DATE, 14), Column("Số tệp minh chứng", INTEGER, 10),
]


def consolidated_workbook(period: ReportingPeriod, document: ReportDocument, today) -> bytes:
    appendix = Sheet(
        "Phụ lục", APPENDIX_COLUMNS,
        ([row.order, row.task_number, row.task_title, row.unit, row.role, row.deadline_date, row.summary, row.state]
         for row in document.appendix),
    )
    counts = Sheet(
        "Tổng hợp tình trạng", [Column("Tình trạng", width=30), Column("Số nhiệm vụ, đơn vị", INTEGER, 18)],
        ([label, n] for label, n in document.state_counts),
        footer=[["Tổng cộng", sum(n for _, n in document.state_counts)]],
    )
    return workbook_bytes([appendix, counts, Sheet("Báo cáo đơn vị", REPORT_COLUMNS, _report_rows(period, today))])


def _report_rows(period: ReportingPeriod, today):
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    states, completions = dict(TaskState.choices), dict(Completion.choices)
    reports = (
        TaskReport.objects.filter(period=period)
        .annotate(state=state_expression(today), files=Count("evidence"))
        .values(
            "period__year", "period__plan__code", "task__number", "task__title", "unit_name", "role", "status",
            "state", "deadline", "completion", "completed_on", "progress", "results", "difficulties", "escalate",
            "proposals", "funds_planned", "funds_spent", "submitted_at", "accepted_at", "files",
        )
        .order_by("task__number", "role", "unit_name", "pk")
    )
    for r in reports.iterator(chunk_size=2000):
        yield [
            r["period__year"], r["period__plan__code"], r["task__number"], r["task__title"], r["unit_name"],
            roles[r["role"]], statuses[r["status"]], states[r["state"]], r["deadline"], completions[r["completion"]],
            r["completed_on"], r["progress"], r["results"], r["difficulties"], "Có" if r["escalate"] else "",
            r["proposals"], r["funds_planned"], r["funds_spent"], _local_date(r["submitted_at"]),
            _local_date(r["accepted_at"]), r["files"],
        ]


def _local_date(moment):
    return timezone.localdate(moment) if moment else None
