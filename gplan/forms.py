"""The base form: WTForms' own messages come from gplan's catalogue, so they are Vietnamese too.

WTForms ships no Vietnamese catalogue; its built-in messages are listed below so that the
extractor puts them in ours (``N_`` and ``NP_`` only mark them).
"""

import re
from datetime import date

from flask import flash
from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from gplan.extensions import db
from gplan.validation import InputError


def N_(message: str) -> str:
    return message


def NP_(singular: str, plural: str) -> str:
    return singular


WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Not a valid date value."),
    N_("Not a valid datetime value."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    NP_("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long."),
    NP_("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF token expired."),
    N_("CSRF failed."),
)


class _CatalogueTranslations:
    """WTForms' translation hook, answered from gplan's catalogue in the user's language.

    WTForms fills in placeholders such as %(min)d itself, so the raw strings are returned.
    """

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _CatalogueTranslations()


def show_input_error(form: FlaskForm, error: InputError) -> None:
    """Show a domain function's refusal on ``form``: each message under the field it names; one
    about no field of this form at the top of the page. The form then has errors (``form.errors``).

    Whatever the refused call had begun is rolled back: nothing of the request is saved.
    """
    db.session.rollback()
    unplaced = []
    for name, messages in error.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, *messages]
        else:
            unplaced += messages
    if not error.fields:
        unplaced.append(error.message)
    for message in unplaced:
        form.form_errors.append(message)
        flash(message, "error")


DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# The same shapes for the browser's hint (the server decides); escaped for the "v" flag.
DATE_PATTERN = r"[0-9]{1,2}[\/.\-][0-9]{1,2}[\/.\-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"


def parse_local_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (also with . or -), or as ISO yyyy-mm-dd; None otherwise."""
    text = text.strip()
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2200 else None


class LocalDateField(StringField):
    """A date typed dd/mm/yyyy, whatever the browser's language: a text input, so that no
    browser date picker shows mm/dd/yyyy beside the dd/mm/yyyy dates on the page.

    Use ``InputRequired`` (not ``DataRequired``) to make it required, so that a date typed
    wrongly keeps its own message. What was typed comes back as typed.
    """

    data: date | None  # type: ignore[assignment]  # a date, where StringField holds text

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {
            "inputmode": "numeric",
            "placeholder": "dd/mm/yyyy",
            "pattern": DATE_PATTERN,
            "autocomplete": "off",
            "maxlength": "10",
            **(kwargs.pop("render_kw", None) or {}),
        }
        kwargs.setdefault("description", _l("Day/month/year, e.g. 31/12/2026"))
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        self.data = parse_local_date(valuelist[0])
        if self.data is None:
            raise ValueError(gettext("Enter the date as day/month/year, e.g. 31/12/2026."))
