"""Reading a plan workbook (see :mod:`gplan.plans.workbook`): every fault names the sheet, the
row and the column it was found in."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gplan.plans.file import PlanFileError, validate_plan
from gplan.plans.file_messages import Problem
from gplan.plans.schema import PlanFile
from gplan.plans.workbook import SINGLE, TABLES, Table, parent_items
from gplan.plans.workbook_labels import SHEET_TITLES

MAX_BYTES = 10 * 1024 * 1024


@dataclass
class _Reading:
    """What was read, and where each item came from (for the error messages)."""

    raw: dict[str, Any] = field(default_factory=dict)
    origin: dict[tuple[Any, ...], tuple[str, int]] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, sheet: str, row: int, name: str | None = None, full: str = "") -> str:
        if name is None or (sheet, name) not in self.columns:
            if (sheet, "") in self.columns:  # the sheet of single values: the value column
                return gettext(
                    "sheet “%(sheet)s”, row %(row)d, column %(column)s (%(field)s)",
                    sheet=sheet,
                    row=row,
                    column=self.columns[(sheet, "")],
                    field=full or name or "value",
                )
            return gettext("sheet “%(sheet)s”, row %(row)d", sheet=sheet, row=row)
        return gettext(
            "sheet “%(sheet)s”, row %(row)d, column %(column)s (%(field)s)",
            sheet=sheet,
            row=row,
            column=self.columns[(sheet, name)],
            field=name,
        )

    def locate(self, loc: tuple[Any, ...]) -> str:
        for length in range(len(loc), 0, -1):
            if (found := self.origin.get(loc[:length])) is not None:
                rest = ".".join(str(step) for step in loc[length:] if not isinstance(step, int))
                full = ".".join(str(step) for step in loc if not isinstance(step, int))
                return self.where(*found, rest or None, full)
        return gettext("(the whole workbook)")


def _field_name(header: Any) -> str | None:
    if header is None or not str(header).strip():
        return None
    text = str(header).strip()
    if text.endswith("]") and "[" in text:
        return text[text.rindex("[") + 1 : -1].strip()
    return text


def _plain(value: Any, name: str, inline: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if name in inline:
        return [part.strip() for part in str(value).split(",") if part.strip()] if value is not None else []
    return value


def _unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for name, value in flat.items():
        node = item
        *parents, last = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return item


def _read_rows(reading: _Reading, sheet: Worksheet, table: Table | None) -> list[tuple[int, dict[str, Any]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = [_field_name(cell) for cell in header]
    for index, name in enumerate(names, start=1):
        if name:
            reading.columns[(sheet.title, name)] = get_column_letter(index)
    inline = table.inline if table else ()
    found = []
    for number, values in enumerate(rows, start=2):
        flat = {
            name: _plain(value, name, inline)
            for name, value in zip(names, values, strict=False)
            if name is not None
        }
        if all(value in (None, []) for value in flat.values()):
            continue  # an empty row
        found.append((number, {name: value for name, value in flat.items() if value not in (None, [])}))
    return found


def _read_single(reading: _Reading, sheet: Worksheet) -> None:
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not values or _field_name(values[0]) is None:
            continue
        name = str(_field_name(values[0]))
        path = tuple(name.split("."))
        for length in range(1, len(path) + 1):
            reading.origin.setdefault(path[:length], (sheet.title, number))
        reading.origin[path] = (sheet.title, number)
        value = _plain(values[1] if len(values) > 1 else None, name, ())
        if value is None:
            continue
        node = reading.raw
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    reading.columns[(sheet.title, "")] = "B"


def _attach(reading: _Reading, table: Table, rows: list[tuple[int, dict[str, Any]]], sheet: str) -> None:
    if table.parent is None:
        if table.path == "due_days":
            days = reading.raw.setdefault("due_days", {})
            for number, row in rows:
                name = str(row.pop("name", "") or "")
                days[name] = _unflatten(row)
                reading.origin[("due_days", name)] = (sheet, number)
            return
        items = reading.raw.setdefault(table.path, [])
        for number, row in rows:
            reading.origin[(table.path, len(items))] = (sheet, number)
            items.append(_unflatten(row))
        return
    parents = parent_items(reading.raw, table.parent)
    by_link = {str(parent.get(table.link)): parent for parent in parents}
    for number, row in rows:
        link = row.pop(table.up, None)
        parent = by_link.get(str(link))
        if parent is None:
            message = gettext("“%(value)s” is not one of the items above it", value=link)
            reading.problems.append(Problem(reading.where(sheet, number, table.up), message))
            continue
        children = parent.setdefault(table.path, [])
        children.append(row.get("text") if table.texts else _unflatten(row))
        reading.origin[(*_path_of(reading.raw, parent, table.parent), table.path, len(children) - 1)] = (
            sheet,
            number,
        )


def _path_of(raw: dict[str, Any], item: dict[str, Any], name: str) -> tuple[Any, ...]:
    if name == "targets":
        for i, objective in enumerate(raw.get("objectives") or []):
            for j, target in enumerate(objective.get("targets") or []):
                if target is item:
                    return ("objectives", i, "targets", j)
    return (name, next(i for i, candidate in enumerate(raw.get(name) or []) if candidate is item))


def read_workbook(data: bytes, source: str) -> PlanFile:
    """Read a plan workbook and check it as a plan file is checked; :class:`PlanFileError`
    names the sheet, row and column of every fault."""
    if len(data) > MAX_BYTES:
        raise PlanFileError(source, [Problem("", gettext("the workbook is too large"))])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise PlanFileError(source, [Problem("", gettext("not an Excel workbook (.xlsx)"))]) from None
    reading = _Reading()
    titles = {title: key for key, title in SHEET_TITLES.items()}
    sheets = {titles.get(sheet.title, sheet.title): sheet for sheet in book.worksheets}
    if SINGLE in sheets:
        _read_single(reading, sheets[SINGLE])
    for table in TABLES:
        if table.name in sheets:
            worksheet = sheets[table.name]
            if table.parent is None:  # "must not be empty": the first row of its sheet
                reading.origin.setdefault((table.path,), (worksheet.title, 2))
            _attach(reading, table, _read_rows(reading, worksheet, table), worksheet.title)
    book.close()
    try:
        plan_file = validate_plan(reading.raw, source, reading.locate)
    except PlanFileError as error:
        raise PlanFileError(source, reading.problems + error.problems) from None
    if reading.problems:
        raise PlanFileError(source, reading.problems)
    return plan_file
