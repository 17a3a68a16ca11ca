"""The base form: WTForms' own messages come from gplan's catalogue, so they are Vietnamese too.

WTForms ships no Vietnamese catalogue; its built-in messages are listed below so that the
extractor puts them in ours (``N_`` and ``NP_`` only mark them).
"""

from flask import flash
from flask_babel import get_translations
from flask_wtf import FlaskForm

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
