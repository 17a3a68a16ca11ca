"""The progress views as sheets: the overview, and the bodies × years, × objectives and
× activities matrices, each with a last row adding up the others."""

from __future__ import annotations

from datetime import date
from typing import Any

from gplan.models import Plan
from gplan.reporting.matrices import NOT_LINKED, Matrix, theme_matrix, theme_titles, year_matrix
from gplan.reporting.overview import overview
from gplan.reporting.sheets import INT, PERCENT, Column, Sheet, label
from gplan.reporting.status_counts import StatusCounts
from gplan.tasks.vocabulary import TaskStatus


def _status_columns(prefix: str = "") -> list[Column]:
    columns = [Column(f"{prefix}Tổng số nhiệm vụ", INT)]
    for status in TaskStatus:
        columns += [
            Column(f"{prefix}{label(status)}", INT),
            Column(f"{prefix}{label(status)} (%)", PERCENT),
        ]
    return [*columns, Column(f"{prefix}Tỷ lệ hoàn thành (%)", PERCENT)]


def _status_values(counts: StatusCounts) -> list[Any]:
    values: list[Any] = [counts.total]
    for status in TaskStatus:
        values += [counts.count(status), counts.share(status)]
    return [*values, counts.completion]


def overview_sheet(plan: Plan, today: date, year: int | None) -> Sheet:
    data = overview(plan, today, year)
    sheet = Sheet(
        "overview", "Tổng quan", [Column("STT", INT), Column("Cơ quan, đơn vị"), *_status_columns()]
    )
    for number, row in enumerate(data.rows, 1):
        sheet.rows.append([number, row.body.name, *_status_values(row.counts)])
    sheet.rows.append([None, "Tổng cộng", *_status_values(data.total)])
    sheet.total_row = True
    return sheet


def _matrix_sheet(key: str, name: str, matrix: Matrix, headers: dict[Any, Any]) -> Sheet:
    columns = [Column("Cơ quan, đơn vị")]
    for column in [*matrix.columns, None]:
        prefix = f"{headers[column]} - "
        columns += [
            Column(f"{prefix}Tổng số", INT),
            Column(f"{prefix}Đã hoàn thành", INT),
            Column(f"{prefix}Quá hạn", INT),
            # Left out of the completion share, as on the heatmap: a reader can redo the division.
            Column(f"{prefix}{label(TaskStatus.CLOSED)}", INT),
            Column(f"{prefix}Tỷ lệ hoàn thành (%)", PERCENT),
        ]
    sheet = Sheet(key, name, columns)

    def cells(counts: StatusCounts) -> list[Any]:
        return [counts.total, counts.done, counts.overdue, counts.closed_in_time, counts.completion]

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
    matrix = year_matrix(plan, today)
    headers = {year: f"Năm {year}" for year in matrix.columns} | {None: "Cả giai đoạn"}
    return _matrix_sheet("years", "Theo năm", matrix, headers)


def theme_sheet(plan: Plan, today: date, by: str, year: int | None) -> Sheet:
    matrix = theme_matrix(plan, today, by, year)
    titles = theme_titles(plan, by)
    if by == "objective":
        headers: dict[int | None, str] = {key: f"Mục tiêu {t.number}" for key, t in titles.items()}
        headers |= {NOT_LINKED: "Không gắn mục tiêu", None: "Tất cả nhiệm vụ"}
        return _matrix_sheet("objectives", "Theo mục tiêu", matrix, headers)
    headers = {key: f"Hoạt động {t.ref}" for key, t in titles.items()}
    headers |= {NOT_LINKED: "Không gắn hoạt động", None: "Tất cả nhiệm vụ"}
    return _matrix_sheet("activities", "Theo hoạt động", matrix, headers)
