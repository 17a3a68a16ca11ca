"""The forms of review: a body's submission, a coordinator's decision and reopening."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gplan.blueprints.focal.forms import web_link
from gplan.forms import BaseForm
from gplan.models import TargetValue
from gplan.tasks.evidence import ALLOWED_EXTENSIONS


class SubmissionForm(BaseForm):
    narrative = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=8000)])
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=1000), web_link])
    evidence_file = FileField(_l("Evidence file"))
    submit = SubmitField(_l("Submit for review"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = current_app.config["EVIDENCE_MAX_BYTES"]
        self.evidence_file.validators = [
            FileAllowed(sorted(ALLOWED_EXTENSIONS), _l("This kind of file is not accepted.")),
            FileSize(limit, message=_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))),
        ]

    @property
    def figure_fields(self):
        return [f for f in self if f.name.startswith("figure_")]

    def figures(self) -> dict[int, str]:
        return {int(f.name.removeprefix("figure_")): f.data for f in self.figure_fields if f.data}


def submission_form(slots: list[TargetValue], year: int, **kwargs) -> SubmissionForm:
    """The submission form with a figure field for each target value the task reports."""

    class Form(SubmissionForm):
        pass

    for value in slots:
        label = f"{value.target.ref} · {value.label} ({value.unit}), {year}"
        setattr(Form, f"figure_{value.id}", StringField(label, validators=[Optional(), Length(max=40)]))
    return Form(**kwargs)


class DecisionForm(BaseForm):
    """Accept or return, on the task page (the version read travels with it)."""

    version = HiddenField()
    reason = TextAreaField(_l("Reason for returning"), validators=[Optional(), Length(max=4000)])
    accept = SubmitField(_l("Accept"))
    send_back = SubmitField(_l("Return"))


class ReopenForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField(_l("Reason for reopening"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Reopen"))


def version_of(form) -> int | None:
    """The task version a form was filled against (None when missing or not a number)."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None
