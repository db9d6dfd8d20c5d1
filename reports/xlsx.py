"""Spreadsheets the department downloads: Vietnamese headers, a frozen header row, readable widths,
dates as dates, money as numbers, and text that never runs as a formula.

Text is written as an inline string with Excel's "quote prefix" style: the cell shows exactly what
the user typed, `=HYPERLINK(...)` included, and neither Excel nor LibreOffice evaluates it. Nothing
is altered, so the export loses no data (unlike prefixing an apostrophe to the text itself).

Workbooks are written in openpyxl's write-only mode: memory stays flat however many rows.
"""

from __future__ import annotations

import copy
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MONEY = "money"
INTEGER = "integer"
PERCENT = "percent"
DATE = "date"
TEXT = "text"

NUMBER_FORMATS = {MONEY: "#,##0", INTEGER: "#,##0", PERCENT: "0", DATE: "dd/mm/yyyy"}
HEADER_FONT = Font(name="Times New Roman", bold=True)
BODY_FONT = Font(name="Times New Roman")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_CELL_TEXT = 32_767  # Excel refuses longer cells


@dataclass
class Column:
    header: str
    kind: str = TEXT
    width: float = 16


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[Iterable] = ()
    footer: list[list] = field(default_factory=list)  # e.g. a totals row, written in bold


class _Cells:
    """Cells of one workbook. A style is worked out once per look and its indexes copied to every
    cell of that look: set attribute by attribute, openpyxl hashes each style object for every cell,
    which took most of the time of a thousand-row export."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.styles: dict[tuple, object] = {}

    def make(self, value, kind: str, *, bold: bool = False, fill: bool = False) -> WriteOnlyCell:
        if isinstance(value, datetime.datetime):
            value = value.replace(tzinfo=None)
        cell = WriteOnlyCell(self.sheet, value=value)
        if value is None:
            look = (None, bold, fill)
        elif kind in NUMBER_FORMATS and not isinstance(value, str):
            look = (kind, bold, fill)
        else:
            cell.value = str(value)[:MAX_CELL_TEXT]
            cell.data_type = "s"       # never a formula, whatever the text starts with
            look = (TEXT, bold, fill)
        if look in self.styles:
            cell._style = copy.copy(self.styles[look])
            return cell
        cell.font = HEADER_FONT if bold else BODY_FONT
        if fill:
            cell.fill = HEADER_FILL
        if look[0] in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[look[0]]
            cell.alignment = Alignment(vertical="top")
        elif look[0] == TEXT:
            cell.quotePrefix = True
            cell.alignment = WRAP
        self.styles[look] = copy.copy(cell._style)
        return cell


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        cells = _Cells(sheet)
        sheet.append([cells.make(column.header, TEXT, bold=True, fill=True) for column in spec.columns])
        for row in spec.rows:
            sheet.append([cells.make(value, column.kind) for value, column in zip(row, spec.columns, strict=True)])
        for row in spec.footer:
            sheet.append([cells.make(value, column.kind, bold=True) for value, column in zip(row, spec.columns, strict=True)])
        if spec.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
