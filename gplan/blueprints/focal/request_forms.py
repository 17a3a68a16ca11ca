"""The task page's forms for asking for a later deadline, deciding on it, and commenting."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from gplan.forms import BaseForm, LocalDateField
from gplan.tasks.comments import TEXT_MAX
from gplan.tasks.extensions import REASON_MAX

APPROVE, REFUSE = "approve", "refuse"


class ExtensionRequestForm(BaseForm):
    asked_for = LocalDateField(
        _l("New deadline asked for"), validators=[InputRequired(_l("Give the date you ask for."))]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Ask for an extension"))


class DecisionForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=[(APPROVE, _l("Approve")), (REFUSE, _l("Refuse"))],
        validators=[InputRequired(_l("Approve or refuse the request."))],
    )
    granted_on = LocalDateField(
        _l("New deadline granted"),
        validators=[Optional()],
        description=_l("Leave empty to grant the date asked for; dd/mm/yyyy."),
    )
    decision_note = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_l("Required to refuse."),
    )
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField(_l("Record the decision"))


class CommentForm(BaseForm):
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    submit = SubmitField(_l("Add the comment"))
