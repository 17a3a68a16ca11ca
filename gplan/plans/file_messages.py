"""A plan file's faults in the reader's language: pydantic's checks, translated by error type.

pydantic writes its messages in English ("Field required"); each error also carries a type
and its parameters, from which the message is written again here, through the catalogue.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, ngettext

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
DUE_DAY_PATTERN = r"^[a-z][a-z0-9_]*$"


class Problem(str):
    """One fault of a plan file: ``where`` in the file (in the file's own terms: its keys and
    refs) and ``what`` is wrong (in the reader's language). As text: "where: what"."""

    where: str
    what: str

    def __new__(cls, where: str, what: str) -> Problem:
        problem = super().__new__(cls, f"{where}: {what}" if where else what)
        problem.where, problem.what = where, what
        return problem


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" without its English "or"."""
    return ", ".join(part for part in re.split(r", | or ", expected) if part)


def _pattern(pattern: str) -> str:
    if pattern == KEY_PATTERN:
        return gettext("must be lower-case letters, digits and hyphens, e.g. district-thanh-ha")
    if pattern == DUE_DAY_PATTERN:
        return gettext("must be lower-case letters, digits and underscores, e.g. annual_report")
    return gettext("does not have the expected form (%(pattern)s)", pattern=pattern)


def _too_short(ctx: dict[str, Any], text: bool) -> str:
    least = int(ctx.get("min_length", 1))
    if least <= 1:
        return gettext("must not be empty")
    if text:
        return ngettext(
            "must have at least %(num)d character", "must have at least %(num)d characters", least
        )
    return ngettext("must have at least %(num)d item", "must have at least %(num)d items", least)


def _too_long(ctx: dict[str, Any], text: bool) -> str:
    most = int(ctx.get("max_length", 0))
    if text:
        return ngettext("must have at most %(num)d character", "must have at most %(num)d characters", most)
    return ngettext("must have at most %(num)d item", "must have at most %(num)d items", most)


SAME = {  # error types worded alike
    "int_parsing": "int_type",
    "int_from_float": "int_type",
    "bool_parsing": "bool_type",
    "float_type": "number",
    "float_parsing": "number",
    "decimal_type": "number",
    "decimal_parsing": "number",
    "finite_number": "number",
    "date_parsing": "date_type",
    "date_from_datetime_parsing": "date_type",
    "date_from_datetime_inexact": "date_type",
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
}


def pydantic_message(kind: str, ctx: dict[str, Any]) -> str:
    """The message for one pydantic error of type ``kind`` with parameters ``ctx``."""
    kind = SAME.get(kind, kind)
    simple = {
        "missing": lambda: gettext("required, but missing"),
        "extra_forbidden": lambda: gettext("is not a field of the plan format (a typo?)"),
        "string_type": lambda: gettext("must be text"),
        "int_type": lambda: gettext("must be a whole number"),
        "bool_type": lambda: gettext("must be true or false"),
        "number": lambda: gettext("must be a number"),
        "date_type": lambda: gettext("must be a date written YYYY-MM-DD"),
        "list_type": lambda: gettext("must be a list"),
        "dict_type": lambda: gettext("must be a mapping (lines of “name: value”)"),
        "literal_error": lambda: gettext(
            "must be one of: %(choices)s", choices=_choices(ctx.get("expected", ""))
        ),
        "enum": lambda: gettext("must be one of: %(choices)s", choices=_choices(ctx.get("expected", ""))),
        "greater_than": lambda: gettext("must be greater than %(limit)s", limit=ctx.get("gt")),
        "greater_than_equal": lambda: gettext("must be at least %(limit)s", limit=ctx.get("ge")),
        "less_than": lambda: gettext("must be less than %(limit)s", limit=ctx.get("lt")),
        "less_than_equal": lambda: gettext("must be at most %(limit)s", limit=ctx.get("le")),
        "string_too_short": lambda: _too_short(ctx, text=True),
        "string_too_long": lambda: _too_long(ctx, text=True),
        "too_short": lambda: _too_short(ctx, text=False),
        "too_long": lambda: _too_long(ctx, text=False),
        "string_pattern_mismatch": lambda: _pattern(ctx.get("pattern", "")),
        # The plan schema's own checks (PydanticCustomError types):
        "period_order": lambda: gettext("the period ends before it starts"),
        "members_without_group": lambda: gettext("members are given but 'group: true' is missing"),
        "placeholder_assigned": lambda: gettext(
            "a placeholder is named only as coordinating: no 'group', no 'ref'"
        ),
        "schedule_needs": lambda: gettext(
            "a '%(kind)s' schedule needs %(fields)s", kind=ctx.get("kind"), fields=ctx.get("fields")
        ),
        "inference_without_note": lambda: gettext(
            "'basis: inferred' needs a 'note' saying what was inferred and why"
        ),
        "not_a_day": lambda: gettext("'%(value)s' is not a day written as MM-DD", value=ctx.get("value")),
    }
    if kind in simple:
        return simple[kind]()
    return gettext("is not valid (%(type)s)", type=kind)
