from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from gplan.forms import BaseForm


class TokenForm(BaseForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What will use it, e.g. “e-office sync”."),
    )
    submit = SubmitField(_l("Create token"))


class RevokeForm(BaseForm):
    submit = SubmitField(_l("Revoke"))
