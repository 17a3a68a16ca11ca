"""The progress tables, the overdue list and the targets table as Excel (.xlsx) and CSV files.

The headers and labels are the province's reporting language, Vietnamese, whatever the
language of the screen: the files are handed on as they are (statuses take the Vietnamese of
their vocabulary's label). Numbers are numbers, shares are
fractions shown as percentages, deadlines are real date cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gplan.models import Plan, User
from gplan.reporting.list_sheets import overdue_sheet, targets_sheet
from gplan.reporting.progress_sheets import overview_sheet, theme_sheet, years_sheet
from gplan.reporting.sheets import (
    DATE,
    DATETIME,
    INT,
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    ExcelVietnamese,
    Sheet,
    decimal_comma,
    header_height,
    keep_as_text,
    local_naive,
    neutralised,
    print_setup,
)
from gplan.timeutil import utcnow

FORMATS = {PERCENT: "0.0%", DATE: "DD/MM/YYYY", DATETIME: "DD/MM/YYYY HH:MM", NUMBER: "#,##0.####", INT: "0"}
WIDTHS = {TEXT: 40, INT: 12, PERCENT: 14, NUMBER: 14, DATE: 13, DATETIME: 17}


# Each sheet from (plan, today, year, viewer): the lists hold only what the viewer may see.
SHEETS: dict[str, Callable[[Plan, date, int | None, User], Sheet]] = {
    "overview": lambda plan, today, year, viewer: overview_sheet(plan, today, year),
    "years": lambda plan, today, year, viewer: years_sheet(plan, today),
    "objectives": lambda plan, today, year, viewer: theme_sheet(plan, today, "objective", year),
    "activities": lambda plan, today, year, viewer: theme_sheet(plan, today, "activity", year),
    "overdue": overdue_sheet,
    "targets": lambda plan, today, year, viewer: targets_sheet(plan),
}


def _scope(plan: Plan, year: int | None) -> str:
    return f"Năm {year}" if year else f"Cả giai đoạn {plan.period_start}-{plan.period_end}"


def info_sheet(plan: Plan, today: date, year: int | None) -> Sheet:
    sheet = Sheet("info", "Thông tin", [Column("Mục"), Column("Nội dung")])
    sheet.rows = [
        ["Kế hoạch", plan.title],
        ["Số hiệu", plan.code],
        ["Cơ quan ban hành", plan.issuer],
        ["Phạm vi số liệu tiến độ", _scope(plan, year)],
        ["Tình trạng tính đến ngày", today],
        ["Thời điểm xuất dữ liệu", local_naive(utcnow())],
        [
            "Ghi chú",
            "Đúng hạn được tính theo hạn ban đầu; quá hạn là đã qua hạn (kể cả gia hạn) mà chưa hoàn thành.",
        ],
    ]
    return sheet


def _write_sheet(worksheet: Any, sheet: Sheet) -> None:
    worksheet.append([column.header for column in sheet.columns])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F5")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.row_dimensions[1].height = header_height([(c.header, WIDTHS[c.kind]) for c in sheet.columns])
    for values in sheet.rows:
        worksheet.append(values)
        keep_as_text(worksheet, worksheet.max_row)
    for index, column in enumerate(sheet.columns, 1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = WIDTHS[column.kind]
        if column.kind in FORMATS:
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = FORMATS[column.kind]
    worksheet.freeze_panes = "C2" if len(sheet.columns) > 2 else "A2"
    last_row = worksheet.max_row - 1 if sheet.total_row else worksheet.max_row
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(last_row, 1)}"
    print_setup(worksheet)


def workbook(plan: Plan, today: date, year: int | None, viewer: User) -> bytes:
    """Every progress view and the targets table, one sheet each, and a sheet describing them."""
    book = Workbook()
    book.remove(book.active)
    sheets = [make(plan, today, year, viewer) for make in SHEETS.values()]
    for sheet in [*sheets, info_sheet(plan, today, year)]:
        _write_sheet(book.create_sheet(sheet.name), sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value: Any, kind: str, comma: bool) -> Any:
    if value is None:
        return ""
    if kind == PERCENT:
        text = f"{value * 100:.1f}"
        return text.replace(".", ",") if comma else text
    if kind == DATETIME:
        return value.isoformat(sep=" ", timespec="seconds")
    if kind == DATE:
        return value.isoformat()
    if comma and kind == NUMBER:
        return decimal_comma(value)
    return neutralised(value)


def csv_file(
    plan: Plan, today: date, year: int | None, key: str, viewer: User, vietnamese_excel: bool = False
) -> bytes:
    """One view as CSV: UTF-8 with a byte-order mark so that Excel reads Vietnamese correctly;
    shares in percent, dates as YYYY-MM-DD, times to the second. ``vietnamese_excel``: fields
    separated by ";" and decimals written with ",", as Excel and LibreOffice set to Vietnamese
    expect (the plain file suits programs and English settings)."""
    sheet = SHEETS[key](plan, today, year, viewer)
    buffer = io.StringIO()
    writer = csv.writer(buffer, ExcelVietnamese if vietnamese_excel else csv.excel)
    writer.writerow([neutralised(column.header) for column in sheet.columns])
    for values in sheet.rows:
        cells = zip(values, sheet.columns, strict=True)
        writer.writerow([_csv_value(v, c.kind, vietnamese_excel) for v, c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def file_name(plan: Plan, year: int | None, suffix: str) -> str:
    code = re.sub(r"[^A-Za-z0-9]+", "-", plan.code).strip("-")
    scope = str(year) if year else f"{plan.period_start}-{plan.period_end}"
    return f"tien-do-{code}-{scope}{suffix}"
