"""Spreadsheets the department downloads: Vietnamese headers, a frozen header row, readable widths,
dates as dates, money as numbers, and text that never runs as a formula.

One policy for every export (docs/decisions/0005-formula-escaping.md): a text cell is never
evaluated, and shows exactly what was typed wherever the format allows it.
- XLSX: text is written as a string cell with Excel's "quote prefix" style: the cell shows exactly
  what the user typed, `=HYPERLINK(...)` included, and neither Excel nor LibreOffice evaluates it.
  Nothing is added to the text, so nothing is lost or shown twice.
- CSV has no cell types: a text cell that a spreadsheet program would run (it starts with one of
  `FORMULA_TRIGGERS`) is prefixed with an apostrophe, and so is one that already starts with an
  apostrophe, so that reading the file back (`csv_restore`) gives the text exactly.
The admin's import and export (django-import-export) use the same writers, through `XLSXFormat`
and `CSVFormat` below.

Workbooks are written with XlsxWriter in its constant-memory mode, row after row: memory stays flat
however many rows, and a yearly appendix of thousands of rows takes a fraction of what openpyxl
took (it built and styled an object per cell).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
import xlsxwriter
from import_export.formats import base_formats
from openpyxl.utils.escape import unescape

# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"

MONEY = "money"
INTEGER = "integer"
PERCENT = "percent"
NUMBER = "number"  # a whole or decimal number, shown with the decimals it has (an indicator's value)
DATE = "date"
TEXT = "text"
AUTO = "auto"  # numbers as numbers, anything else as text: the admin's sheets, typed by their widgets

NUMBER_FORMATS = {MONEY: "#,##0", INTEGER: "#,##0", PERCENT: "0", NUMBER: "General", DATE: "dd/mm/yyyy"}
FONT = {"font_name": "Times New Roman", "valign": "top"}
HEADER = {"bold": True, "bg_color": "#DDE7F0", "text_wrap": True}
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


class _Formats:
    """The workbook's formats, one per look (kind of cell, bold, header), made when first needed."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.made: dict[tuple, object] = {}

    def get(self, kind: str, bold: bool, header: bool):
        look = (kind, bold, header)
        if look not in self.made:
            spec = dict(FONT, bold=bold)
            if header:
                spec.update(HEADER)
            if kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[kind]
            elif kind == TEXT:
                spec.update(quote_prefix=True, text_wrap=True)
            self.made[look] = self.workbook.add_format(spec)
        return self.made[look]


def _write_row(sheet, formats: _Formats, row_index: int, values, columns, *, bold=False, header=False):
    for col, (value, column) in enumerate(zip(values, columns, strict=True)):
        kind = TEXT if header else column.kind
        if value is None or value == "":
            sheet.write_blank(row_index, col, None, formats.get(kind, bold, header))
        elif kind == DATE and isinstance(value, datetime.date):
            if isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)
            sheet.write_datetime(row_index, col, value, formats.get(DATE, bold, header))
        elif (
            kind in (*NUMBER_FORMATS, AUTO)
            and isinstance(value, (int, float, Decimal))
            and not isinstance(value, bool)
        ):
            sheet.write_number(row_index, col, value, formats.get(kind, bold, header))
        else:
            # write_string: never a formula, whatever the text starts with.
            sheet.write_string(row_index, col, str(value)[:MAX_CELL_TEXT], formats.get(TEXT, bold, header))


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    formats = _Formats(workbook)
    for spec in sheets:
        sheet = workbook.add_worksheet(spec.title[:31])
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(spec.columns):
            sheet.set_column(index, index, column.width)
        _write_row(
            sheet,
            formats,
            0,
            [column.header for column in spec.columns],
            spec.columns,
            bold=True,
            header=True,
        )
        row_index = 0
        for row_index, row in enumerate(spec.rows, start=1):
            _write_row(sheet, formats, row_index, row, spec.columns)
        for row in spec.footer:
            row_index += 1
            _write_row(sheet, formats, row_index, row, spec.columns, bold=True)
        if spec.columns:
            sheet.autofilter(0, 0, 0, len(spec.columns) - 1)
    workbook.close()
    return buffer.getvalue()


# ------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------
def csv_cell(value):
    """A CSV cell that no spreadsheet program runs, reversibly (see `csv_restore`)."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, CSV_ESCAPE)):
        return CSV_ESCAPE + value
    return value


def csv_restore(value):
    """Undo `csv_cell` on a cell read back from a CSV file this application wrote."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == CSV_ESCAPE
        and value[1:].startswith((*FORMULA_TRIGGERS, CSV_ESCAPE))
    ):
        return value[1:]
    return value


# ------------------------------------------------------------------------------
# The admin's formats (django-import-export)
# ------------------------------------------------------------------------------
class XLSXFormat(base_formats.XLSX):
    """XLSX written by `workbook_bytes`: text cells quote-prefixed, read back exactly as written."""

    def export_data(self, dataset, **kwargs):
        title = dataset.title or "Dữ liệu"
        columns = [Column(str(header), AUTO, 24) for header in dataset.headers or []]
        return workbook_bytes([Sheet(title, columns, (list(row) for row in dataset))])

    def create_dataset(self, in_stream):
        # A sheet stores a carriage return (a line typed in a browser ends with one) as "_x000D_";
        # openpyxl hands inline strings back without undoing it.
        dataset = super().create_dataset(in_stream)
        read = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            read.append([unescape(value) if isinstance(value, str) else value for value in row])
        return read


class UnreadableSheet(ValueError):
    """A sheet sent for import that cannot be read, with why and what to do, in the words of the
    person who sent it (the admin shows the message as it is)."""


def not_utf8_message(content: bytes, error: UnicodeDecodeError) -> str:
    """Why a CSV that is not UTF-8 is refused, and how to save it from Excel so that it is."""
    line = content[: error.start].count(b"\n") + 1
    return (
        f"Tệp CSV không được lưu bằng bảng mã UTF-8 (chữ không đọc được từ dòng {line}), có lẽ là "
        "Windows-1258 hoặc Unicode (UTF-16), nên chữ tiếng Việt sẽ bị sai. Hãy mở tệp bằng Excel, "
        "chọn File › Save As (Tệp › Lưu như), ở ô kiểu tệp (Save as type) chọn "
        "“CSV UTF-8 (Comma delimited) (*.csv)”, lưu rồi tải tệp đó lên lại. Chưa có dòng nào được nhập."
    )


class CSVFormat(base_formats.CSV):
    """CSV in UTF-8 with a byte-order mark (so that Excel reads Vietnamese), its text cells escaped
    by `csv_cell` and restored by `csv_restore` when read back. A file in another encoding is
    refused with `UnreadableSheet`, saying how to save it in UTF-8."""

    def export_data(self, dataset, **kwargs):
        escaped = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            escaped.append([csv_cell(value) for value in row])
        return "\ufeff" + escaped.export("csv")

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode(self.encoding or "utf-8-sig")
            except UnicodeDecodeError as error:
                raise UnreadableSheet(not_utf8_message(in_stream, error)) from None
        dataset = super().create_dataset(in_stream.removeprefix("\ufeff"), **kwargs)
        restored = tablib.Dataset(headers=[csv_restore(header) for header in dataset.headers or []])
        for row in dataset:
            restored.append([csv_restore(value) for value in row])
        return restored
