"""Forms of the coordinator's pages: entering a target's actual figures."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from gplan.forms import BaseForm


class FigureField(StringField):
    """A figure as typed, read by the domain (116,5 or 1.234,5 the Vietnamese way, 116.5 the
    English way); a stored figure is shown in the user's notation.

    A text input, not type=number: browsers refuse the decimal comma in number inputs.
    """

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None or isinstance(self.data, str):
            return self.data or ""
        return format_decimal(self.data, format="0.####")


class ActualForm(BaseForm):
    # "year:version" of the figure the form was opened with (version 0: none yet).
    version = HiddenField()
    year = SelectField(_l("Year"), coerce=int)
    value = FigureField(_l("Figure"), validators=[Optional()])
    value_women = FigureField(_l("Women"), validators=[Optional()])
    value_men = FigureField(_l("Men"), validators=[Optional()])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=500)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save the figure"))

    def read_version(self, year: int, version: int) -> None:
        """Remember which figure the user is looking at: saving it checks it is still that one."""
        self.version.data = f"{year}:{version}"

    def expected_version(self) -> int | None:
        """The version of the chosen year's figure the user saw: the one the form was opened
        with, 0 ("none") for another year chosen in the form, None when the form sent none."""
        opened_year, _, version = (self.version.data or "").partition(":")
        if not (opened_year.isdigit() and version.isdigit()):
            return None
        return int(version) if int(opened_year) == self.year.data else 0
