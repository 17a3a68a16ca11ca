"""Writing tables for spreadsheet programs safely and the way Vietnamese offices open them.

Every CSV and .xlsx export goes through here: each is a :class:`Sheet` of typed columns, headed
and labelled in the province's reporting language, Vietnamese; text that a spreadsheet would
run as a formula (a note ``=HYPERLINK(...)``, a body name starting with ``+``) is kept as text;
the .xlsx sheets print on A4 landscape, one page wide, with the header row on every page.
"""

from __future__ import annotations

import csv
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from flask_babel import force_locale
from openpyxl.worksheet.worksheet import Worksheet

from gplan.timeutil import to_local
from gplan.vocabulary import RichStrEnum

T = TypeVar("T")
REPORTING_LOCALE = "vi"
TEXT, INT, PERCENT, NUMBER, DATE, DATETIME = "text", "int", "percent", "number", "date", "datetime"


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


def local_naive(instant: datetime | None) -> datetime | None:
    """Excel has no time zones: instants are written as Vietnam's wall-clock time, to the second
    (spreadsheet programs read fractions of a second as text)."""
    return to_local(instant).replace(tzinfo=None, microsecond=0) if instant else None


# What Excel and LibreOffice read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def neutralised(value: T) -> T | str:
    """For CSV: text that starts like a formula gets a leading apostrophe, which spreadsheet
    programs take as "this is text"; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


class ExcelVietnamese(csv.excel):
    """The list separator of Excel and LibreOffice set to Vietnamese: the comma is the decimal
    mark there, so fields are separated by semicolons."""

    delimiter = ";"


def decimal_comma(value: object) -> str:
    """A number as Vietnamese settings write it: 117,5 (no thousands separator, which the
    spreadsheet would otherwise have to guess)."""
    text = format(value, "f") if isinstance(value, float | Decimal) else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def keep_as_text(worksheet: Worksheet, row: int) -> None:
    """Cells of ``row`` holding text stay text: openpyxl would store ``=...`` as a live formula.
    Formula-like text also gets Excel's quote prefix, so editing the cell keeps it text."""
    for cell in worksheet[row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if looks_like_formula(cell.value):
                cell.quotePrefix = True


def header_height(headers: list[tuple[str, float]], points_per_line: float = 15.0) -> float:
    """The height of a wrapped bold header row so that every header shows whole (Excel does
    not grow a row for wrapped text it did not write itself). ``headers``: (text, column width
    in characters)."""
    lines = 1
    for text, width in headers:
        # Bold text is a little wider than the column's character width assumes.
        lines = max(lines, len(textwrap.wrap(text, max(4, int(width * 0.85)))))
    return lines * points_per_line


def print_setup(worksheet: Worksheet, title_rows: str = "1:1") -> None:
    """A4 landscape, scaled to the width of one page (as many pages down as needed), the
    header row repeated on every page."""
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.orientation = worksheet.ORIENTATION_LANDSCAPE
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = title_rows
    worksheet.print_options.gridLines = True
    worksheet.page_margins.left = worksheet.page_margins.right = 0.5
