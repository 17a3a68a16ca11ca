from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ...forms import BaseForm


class UserForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    body = SelectField(_l("Body (for focal points)"), coerce=int)
    locale = SelectField(_l("Language"), choices=[("vi", "Tiếng Việt"), ("en", "English")])
    submit = SubmitField(_l("Create and send invitation"))
