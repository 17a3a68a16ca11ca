"""The figures entered for targets, read and checked the same way from a form and from the API."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from gplan.validation import InputError

NAMES = ("value", "value_women", "value_men")
# The columns are Numeric(14, 4): ten digits before the point, four after.
LIMIT = Decimal("1e10")
PLACES = Decimal("0.0001")


def _text(raw: str) -> str:
    """Typed text as a plain decimal: 116,5 and 1.234,5 (Vietnamese) or 116.5 and 1,234.5."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:  # the later one is the decimal mark
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    return text.replace(",", ".")


def parse_figure(raw: object, field: str) -> Decimal | None:
    """``raw`` (a number, or text typed either way) as an exact figure; empty gives None.

    Raises :class:`InputError` for ``field`` when it is not a number or too large to keep.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise InputError(gettext("Enter a number, e.g. 116 or 27,5."), field)
    try:
        number = Decimal(_text(raw) if isinstance(raw, str) else str(raw))
    except InvalidOperation:
        raise InputError(gettext("Enter a number, e.g. 116 or 27,5."), field) from None
    if not number.is_finite():
        raise InputError(gettext("Enter a number, e.g. 116 or 27,5."), field)
    if abs(number) >= LIMIT or abs(number.quantize(PLACES)) >= LIMIT:
        raise InputError(gettext("This number is too large for a figure."), field)
    return number


def parse_figures(**raw: object) -> dict[str, Decimal | None]:
    """The figure, the women's and the men's (``value``, ``value_women``, ``value_men``), each
    read by :func:`parse_figure`; at least one must be given. Every bad one is named at once."""
    figures, problems = {}, {}
    for name in NAMES:
        try:
            figures[name] = parse_figure(raw.get(name), name)
        except InputError as error:
            problems[name] = error.message
    if problems:
        raise InputError(next(iter(problems.values())), fields=problems)
    if all(figure is None for figure in figures.values()):
        raise InputError(gettext("Enter the figure, or the women's and men's figures."), "value")
    return figures
