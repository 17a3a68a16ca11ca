"""The progress tables and the targets table as Excel (.xlsx) and CSV files.

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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gplan.models import Plan, User
from gplan.reporting import summary
from gplan.reporting import targets as target_data
from gplan.reporting.sheets import (
    ExcelVietnamese,
    decimal_comma,
    header_height,
    keep_as_text,
    neutralised,
    print_setup,
)
from gplan.tasks.lists import body_contacts
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.vocabulary import TaskProgress, TaskStatus
from gplan.timeutil import to_local, utcnow
from gplan.vocabulary import RichStrEnum

REPORTING_LOCALE = "vi"
TEXT, INT, PERCENT, NUMBER, DATE, DATETIME = "text", "int", "percent", "number", "date", "datetime"
FORMATS = {PERCENT: "0.0%", DATE: "DD/MM/YYYY", DATETIME: "DD/MM/YYYY HH:MM", NUMBER: "#,##0.####", INT: "0"}
WIDTHS = {TEXT: 40, INT: 12, PERCENT: 14, NUMBER: 14, DATE: 13, DATETIME: 17}


@dataclass
class Column:
    header: str
    kind: str = TEXT


@dataclass
class Sheet:
    key: str
    name: str  # at most 31 characters: Excel's limit
    columns: list[Column] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list[Any])
    total_row: bool = False  # the last row adds up the others: left out of sorting and filtering


def label(member: RichStrEnum) -> str:
    """A vocabulary label in the reporting language."""
    with force_locale(REPORTING_LOCALE):
        return str(member.title)


def _status_columns(prefix: str = "") -> list[Column]:
    columns = [Column(f"{prefix}Tổng số nhiệm vụ", INT)]
    for status in TaskStatus:
        columns += [
            Column(f"{prefix}{label(status)}", INT),
            Column(f"{prefix}{label(status)} (%)", PERCENT),
        ]
    return [*columns, Column(f"{prefix}Tỷ lệ hoàn thành (%)", PERCENT)]


def _status_values(counts: summary.StatusCounts) -> list[Any]:
    values: list[Any] = [counts.total]
    for status in TaskStatus:
        values += [counts.count(status), counts.share(status)]
    return [*values, counts.completion]


def _scope(plan: Plan, year: int | None) -> str:
    return f"Năm {year}" if year else f"Cả giai đoạn {plan.period_start}-{plan.period_end}"


def overview_sheet(plan: Plan, today: date, year: int | None) -> Sheet:
    data = summary.overview(plan, today, year)
    sheet = Sheet(
        "overview", "Tổng quan", [Column("STT", INT), Column("Cơ quan, đơn vị"), *_status_columns()]
    )
    for number, row in enumerate(data.rows, 1):
        sheet.rows.append([number, row.body.name, *_status_values(row.counts)])
    sheet.rows.append([None, "Tổng cộng", *_status_values(data.total)])
    sheet.total_row = True
    return sheet


def _matrix_sheet(key: str, name: str, matrix: summary.Matrix, headers: dict[Any, Any]) -> Sheet:
    columns = [Column("Cơ quan, đơn vị")]
    for column in [*matrix.columns, None]:
        prefix = f"{headers[column]} - "
        columns += [
            Column(f"{prefix}Tổng số", INT),
            Column(f"{prefix}Đã hoàn thành", INT),
            Column(f"{prefix}Quá hạn", INT),
            Column(f"{prefix}Tỷ lệ hoàn thành (%)", PERCENT),
        ]
    sheet = Sheet(key, name, columns)

    def cells(counts: summary.StatusCounts) -> list[Any]:
        return [counts.total, counts.done, counts.overdue, counts.completion]

    for body in matrix.rows:
        row = [body.name]
        for column in matrix.columns:
            row += cells(matrix.cell(body.id, column))
        sheet.rows.append(row + cells(matrix.row_total(body.id)))
    totals = ["Tổng cộng"]
    for column in matrix.columns:
        totals += cells(matrix.column_total(column))
    sheet.rows.append(totals + cells(matrix.total))
    sheet.total_row = True
    return sheet


def years_sheet(plan: Plan, today: date) -> Sheet:
    matrix = summary.year_matrix(plan, today)
    headers = {year: f"Năm {year}" for year in matrix.columns} | {None: "Cả giai đoạn"}
    return _matrix_sheet("years", "Theo năm", matrix, headers)


def theme_sheet(plan: Plan, today: date, by: str, year: int | None) -> Sheet:
    matrix = summary.theme_matrix(plan, today, by, year)
    titles = summary.theme_titles(plan, by)
    if by == "objective":
        headers: dict[int | None, str] = {key: f"Mục tiêu {t.number}" for key, t in titles.items()}
        headers |= {summary.NOT_LINKED: "Không gắn mục tiêu", None: "Tất cả nhiệm vụ"}
        return _matrix_sheet("objectives", "Theo mục tiêu", matrix, headers)
    headers = {key: f"Hoạt động {t.ref}" for key, t in titles.items()}
    headers |= {summary.NOT_LINKED: "Không gắn hoạt động", None: "Tất cả nhiệm vụ"}
    return _matrix_sheet("activities", "Theo hoạt động", matrix, headers)


def _local_naive(instant: datetime | None) -> datetime | None:
    """Excel has no time zones: instants are written as Vietnam's wall-clock time, to the second
    (spreadsheet programs read fractions of a second as text)."""
    return to_local(instant).replace(tzinfo=None, microsecond=0) if instant else None


def overdue_sheet(plan: Plan, today: date, year: int | None, viewer: User) -> Sheet:
    overdue = TaskFilters(plan_id=plan.id, year=year, statuses=(TaskStatus.OVERDUE,))
    tasks = TaskQuery(viewer, overdue, today).all()
    contacts = body_contacts({task.body_id for task in tasks})
    columns = [
        Column("STT", INT),
        Column("Cơ quan, đơn vị"),
        Column("Mã nhiệm vụ"),
        Column("Nhiệm vụ"),
        Column("Năm", INT),
        Column("Hạn hoàn thành", DATE),
        Column("Hạn sau gia hạn", DATE),
        Column("Số ngày quá hạn", INT),
        Column("Tiến độ"),
        Column("Lần nhắc gần nhất", DATETIME),
        Column("Ghi chú gần nhất"),
    ]
    sheet = Sheet("overdue", "Nhiệm vụ quá hạn", columns)
    in_progress = TaskStatus.IN_PROGRESS  # the wording the files have always used for the progress
    for number, task in enumerate(tasks, 1):
        mail = contacts.last_mail.get(task.body_id)
        sheet.rows.append(
            [
                number,
                task.body.name,
                task.responsibility.ref,
                task.responsibility.text,
                task.year,
                task.due_on,
                task.extended_due_on,
                task.days_late(today),
                label(in_progress if task.progress == TaskProgress.IN_PROGRESS else TaskStatus.NOT_STARTED),
                _local_naive(mail.at) if mail else None,
                task.note,
            ]
        )
    return sheet


def targets_sheet(plan: Plan) -> Sheet:
    rows = target_data.target_rows(plan)
    columns = [
        Column("Mục tiêu"),
        Column("Mã chỉ tiêu"),
        Column("Chỉ tiêu"),
        Column("Chỉ số"),
        Column("So sánh"),
        Column("Giá trị mục tiêu", NUMBER),
        Column("Đơn vị tính"),
        Column("Giá trị cơ sở", NUMBER),
        Column("Năm cơ sở", INT),
    ]
    for year in plan.years:
        columns += [
            Column(f"Năm {year}", NUMBER),
            Column(f"Năm {year} - Nữ", NUMBER),
            Column(f"Năm {year} - Nam", NUMBER),
        ]
    columns += [Column("Đánh giá"), Column("Cơ quan báo cáo")]
    sheet = Sheet("targets", "Chỉ tiêu", columns)
    for row in rows:
        value, target = row.value, row.target
        baseline, baseline_year = row.baseline
        cells = [
            f"Mục tiêu {target.objective.number}",
            target.ref,
            target.text,
            value.label,
            label(value.comparator),
            value.value,
            value.unit,
            baseline,
            baseline_year,
        ]
        for year in plan.years:
            actual = row.actuals.get(year)
            cells += [actual.value, actual.value_women, actual.value_men] if actual else [None, None, None]
        owner = target.owner_body.name if target.owner_body else ""
        sheet.rows.append([*cells, label(row.assessment.status), owner])
    return sheet


# Each sheet from (plan, today, year, viewer): the lists hold only what the viewer may see.
SHEETS: dict[str, Callable[[Plan, date, int | None, User], Sheet]] = {
    "overview": lambda plan, today, year, viewer: overview_sheet(plan, today, year),
    "years": lambda plan, today, year, viewer: years_sheet(plan, today),
    "objectives": lambda plan, today, year, viewer: theme_sheet(plan, today, "objective", year),
    "activities": lambda plan, today, year, viewer: theme_sheet(plan, today, "activity", year),
    "overdue": overdue_sheet,
    "targets": lambda plan, today, year, viewer: targets_sheet(plan),
}


def info_sheet(plan: Plan, today: date, year: int | None) -> Sheet:
    sheet = Sheet("info", "Thông tin", [Column("Mục"), Column("Nội dung")])
    sheet.rows = [
        ["Kế hoạch", plan.title],
        ["Số hiệu", plan.code],
        ["Cơ quan ban hành", plan.issuer],
        ["Phạm vi số liệu tiến độ", _scope(plan, year)],
        ["Tình trạng tính đến ngày", today],
        ["Thời điểm xuất dữ liệu", _local_naive(utcnow())],
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
