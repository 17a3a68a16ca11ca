"""Forms of the coordinator's pages: entering a target's actual figures."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import TextInput

from gplan.forms import BaseForm

LIMIT = Decimal("1e10")  # the column holds 14 digits, 4 of them decimals


class FigureField(DecimalField):
    """A number typed the Vietnamese way (116,5 or 1.234,5) or the English way (116.5), shown
    back in the user's notation.

    A text input, not type=number: browsers refuse the decimal comma in number inputs.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(" ", "").replace("\u00a0", "")
        if "," in text and "." in text:  # the later one is the decimal mark: 1.234,5 or 1,234.5
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "")
        text = text.replace(",", ".")
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(gettext("Enter a number, e.g. 116 or 27,5.")) from None
        if not self.data.is_finite() or abs(self.data) >= LIMIT:
            self.data = None
            raise ValueError(gettext("Enter a number, e.g. 116 or 27,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="0.####")


class ActualForm(BaseForm):
    year = SelectField(_l("Year"), coerce=int)
    value = FigureField(_l("Figure"), validators=[Optional()])
    value_women = FigureField(_l("Women"), validators=[Optional()])
    value_men = FigureField(_l("Men"), validators=[Optional()])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=500)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save the figure"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if all(f.data is None for f in (self.value, self.value_women, self.value_men)):
            self.value.errors.append(_l("Enter the figure, or the women's and men's figures."))
            return False
        return True
