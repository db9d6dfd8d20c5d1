"""The funds (kinh phí) workbook: totals by year, task and unit, and the detail of every report."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

from kehoach.spreadsheets import INTEGER, MONEY, NUMBER, Column, Sheet, workbook_bytes

MONEY_COLUMNS = [
    Column("Kinh phí dự trù (đồng)", MONEY, 22),
    Column("Kinh phí đã sử dụng (đồng)", MONEY, 24),
    Column("Số báo cáo", INTEGER, 12),
    Column("Số báo cáo có ghi kinh phí", INTEGER, 16),
]

# The cells of a row of the two long sheets, in the order of their columns, taken from each row's
# dict in one call (tens of thousands of rows a year).
DETAIL_CELLS = itemgetter(
    "period__year",
    "period__plan__code",
    "task__number",
    "task__title",
    "unit_name",
    "role",
    "status",
    "funds_planned",
    "funds_spent",
)
INDICATOR_CELLS = itemgetter(
    "report__period__year",
    "report__period__plan__code",
    "report__period__name",
    "report__task__number",
    "report__task__title",
    "report__unit_name",
    "indicator__name",
    "indicator__unit_of_measure",
    "value",
)


def _money(row) -> list:
    return [row["planned"], row["spent"], row["reports"], row["with_funds"]]


def funds_workbook(funds, detail: Iterable[dict], indicator_values: Iterable[dict] = ()) -> bytes:
    """`funds` (totals by year, task and unit), the `detail` rows and the `indicator_values` the same
    reports give, one sheet each."""
    total_row = ["Tổng cộng", *_money(funds.total)]
    sheets = [
        Sheet(
            "Theo năm",
            [Column("Năm", INTEGER, 10), *MONEY_COLUMNS],
            ([row["period__year"], *_money(row)] for row in funds.by_year),
        ),
        Sheet(
            "Theo nhiệm vụ",
            [
                Column("Năm", INTEGER, 10),
                Column("Kế hoạch", width=14),
                Column("Nhiệm vụ", width=10),
                Column("Tên nhiệm vụ", width=48),
                *MONEY_COLUMNS,
            ],
            (
                [
                    row["period__year"],
                    row["period__plan__code"],
                    row["task__number"],
                    row["task__title"],
                    *_money(row),
                ]
                for row in funds.by_task
            ),
            footer=[["", "", None, "Tổng cộng", *_money(funds.total)]],
        ),
        Sheet(
            "Theo đơn vị",
            [Column("Đơn vị", width=48), *MONEY_COLUMNS],
            ([row["name"], *_money(row)] for row in funds.by_unit),
            footer=[total_row],
        ),
        Sheet(
            "Chi tiết",
            [
                Column("Năm", INTEGER, 10),
                Column("Kế hoạch", width=14),
                Column("Nhiệm vụ", width=10),
                Column("Tên nhiệm vụ", width=40),
                Column("Đơn vị", width=40),
                Column("Vai trò", width=12),
                Column("Trạng thái báo cáo", width=18),
                Column("Kinh phí dự trù (đồng)", MONEY, 22),
                Column("Kinh phí đã sử dụng (đồng)", MONEY, 24),
            ],
            map(DETAIL_CELLS, detail),
        ),
        Sheet(
            "Chỉ tiêu",
            [
                Column("Năm", INTEGER, 10),
                Column("Kế hoạch", width=14),
                Column("Kỳ báo cáo", width=22),
                Column("Nhiệm vụ", width=10),
                Column("Tên nhiệm vụ", width=40),
                Column("Đơn vị", width=40),
                Column("Chỉ tiêu", width=40),
                Column("Đơn vị tính", width=14),
                Column("Số liệu thực hiện", NUMBER, 18),
            ],
            map(INDICATOR_CELLS, indicator_values),
        ),
    ]
    return workbook_bytes(sheets)
