from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What will use it, e.g. “e-office sync”."),
    )
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))
