"""A plan as an Excel workbook: the same content as a plan file (docs/plan-format.md), one sheet
per kind of item, so a plan can be written and checked without YAML.

The columns follow the plan file's fields. Each header reads "Vietnamese label [field]": the
label is for people, the bracketed field is what the reader goes by, so a column may be moved
or its label reworded. A field the labels below do not know yet still gets a column, under its
own name, so a new field of the plan file flows through without a change here. Lists of keys or
numbers sit in one cell, separated by commas; lists of texts (an activity's contents, a
solution group's items) have a sheet of their own, one text per row. Every fault found when
reading names the sheet, the row and the column.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gplan.plans.schema import PlanFile
from gplan.plans.workbook_labels import LABELS, SHEET_TITLES

MAX_BYTES = 10 * 1024 * 1024
SINGLE = "plan"  # the sheet of single values, one row per field


@dataclass(frozen=True)
class Table:
    """A sheet of rows: the items of the list at ``path`` (in the plan file), or of each
    ``parent`` item's list ``path`` with the parent's ``link`` field repeated in column ``up``."""

    name: str
    path: str
    parent: str | None = None
    link: str = ""
    up: str = ""
    texts: bool = False  # a list of plain texts: one column, "text"
    inline: tuple[str, ...] = ()  # list fields written in one cell, comma-separated


TABLES = (
    Table("due_days", "due_days"),
    Table("bodies", "bodies"),
    Table("members", "members", parent="bodies", link="key", up="group_key"),
    Table("suggested_members", "suggested_members", parent="bodies", link="key", up="group_key"),
    Table("objectives", "objectives"),
    Table("targets", "targets", parent="objectives", link="number", up="objective"),
    Table("values", "values", parent="targets", link="ref", up="target"),
    Table("activities", "activities", inline=("lead", "coordinating")),
    Table("activity_contents", "contents", parent="activities", link="number", up="activity", texts=True),
    Table("solutions", "solutions"),
    Table("solution_items", "items", parent="solutions", link="key", up="group", texts=True),
    Table(
        "responsibilities",
        "responsibilities",
        inline=("assignees", "lead", "coordinating", "objectives", "activities", "schedule.dues"),
    ),
)
NESTED = {table.path for table in TABLES if table.parent}


def _flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"schedule": {"kind": "yearly"}} → {"schedule.kind": "yearly"}; nested item lists are
    left out (they have sheets of their own)."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, f"{name}.")
        elif not (isinstance(value, list) and value and isinstance(value[0], dict)) and key not in NESTED:
            flat[name] = value
    return flat


def _cell_value(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _header(name: str) -> str:
    label = LABELS.get(name)
    return f"{label} [{name}]" if label else name


def _write_rows(sheet: Worksheet, columns: list[str], rows: list[dict[str, Any]]) -> None:
    sheet.append([_header(name) for name in columns])
    for row in rows:
        sheet.append([_cell_value(row.get(name)) for name in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even one that starts with "="
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        wide = name.endswith(("text", "title", "label", "name", "paragraph", "goal")) or name == "text"
        sheet.column_dimensions[get_column_letter(index)].width = 60 if wide else 18
    sheet.freeze_panes = "A2"


def _table_rows(raw: dict[str, Any], table: Table) -> list[dict[str, Any]]:
    if table.parent is None:
        items = raw.get(table.path) or []
        if isinstance(items, dict):  # due days: a mapping by name
            return [{"name": name, **_flatten(day)} for name, day in items.items()]
        return [_flatten(item) for item in items]
    parents = parent_items(raw, table.parent)
    rows = []
    for parent in parents:
        for child in parent.get(table.path) or []:
            values = {"text": child} if table.texts else _flatten(child)
            rows.append({table.up: parent.get(table.link), **values})
    return rows


def parent_items(raw: dict[str, Any], name: str) -> list[dict[str, Any]]:
    if name == "targets":
        return [target for objective in raw.get("objectives") or [] for target in objective["targets"]]
    items: list[dict[str, Any]] = raw.get(name) or []
    return items


PROVENANCE = ("basis", "note")  # shown last: what the row says comes first


def _columns(rows: list[dict[str, Any]], first: list[str]) -> list[str]:
    columns = list(first)
    for row in rows:
        columns += [name for name in row if name not in columns]
    return sorted(columns, key=lambda name: name.rsplit(".", 1)[-1] in PROVENANCE)


def write_workbook(plan_file: PlanFile) -> bytes:
    """The plan as a workbook; reading it back gives the same plan."""
    raw = plan_file.model_dump(mode="json")
    book = Workbook()
    single = book.active
    assert single is not None  # a new workbook has its first sheet
    single.title = SHEET_TITLES[SINGLE]
    values = _flatten({key: raw[key] for key in ("format", "plan", "funding", "implementation_intro")})
    rows = [{"field": _header(name), "value": value} for name, value in values.items()]
    _write_rows(single, ["field", "value"], rows)
    for table in TABLES:
        rows = _table_rows(raw, table)
        first = ["name"] if table.path == "due_days" else ([table.up] if table.parent else [])
        columns = _columns(rows, first + (["text"] if table.texts else []))
        _write_rows(book.create_sheet(SHEET_TITLES[table.name]), columns, rows)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def plan_file_text(plan_file: PlanFile) -> str:
    """The plan as plan-file text (YAML), the form gplan keeps for later roll-overs."""
    import yaml

    raw = plan_file.model_dump(mode="json", exclude_defaults=True)
    return str(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100))


def blank_workbook(example: PlanFile) -> bytes:
    """A workbook to fill in: every sheet and column of ``example``'s workbook, no rows (the
    plan sheet keeps its field names with empty values)."""
    book = load_workbook(io.BytesIO(write_workbook(example)))
    for sheet in book.worksheets:
        if sheet.title == SHEET_TITLES[SINGLE]:
            for row in sheet.iter_rows(min_row=2):
                row[1].value = None
        elif sheet.max_row > 1:
            sheet.delete_rows(2, sheet.max_row - 1)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
