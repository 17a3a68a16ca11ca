from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from gplan.forms import BaseForm
from gplan.tasks.evidence import ALLOWED_EXTENSIONS, check_evidence_link


def web_link(_form, field) -> None:
    """The service's rule for evidence links (the API applies the same one)."""
    try:
        field.data = check_evidence_link(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ProgressForm(BaseForm):
    progress = RadioField(_l("State"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    evidence_url = StringField(
        _l("Evidence link"),
        validators=[Optional(), Length(max=1000), web_link],
    )
    evidence_file = FileField(_l("Evidence file"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, current: str, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.progress.choices = list(choices)
        if self.progress.data is None:
            self.progress.data = current
        limit = current_app.config["EVIDENCE_MAX_BYTES"]
        self.evidence_file.validators = [
            FileAllowed(sorted(ALLOWED_EXTENSIONS), _l("This kind of file is not accepted.")),
            FileSize(
                limit,
                message=_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)),
            ),
        ]
        self.evidence_file.description = _l(
            "Up to %(mb)d MB: %(types)s",
            mb=limit // (1024 * 1024),
            types=", ".join(sorted(ALLOWED_EXTENSIONS)),
        )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        upload = self.evidence_file.data
        unchanged = self.progress.data == self.current
        if unchanged and not (self.note.data or self.evidence_url.data or (upload and upload.filename)):
            self.progress.errors = [
                *self.progress.errors,
                _l("Choose a new state, or add a note or evidence."),
            ]
            return False
        return True


class TaskFilterForm(BaseForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=int, validators=[Optional()])
    objective = SelectField(_l("Objective"), coerce=int, validators=[Optional()])
    activity = SelectField(_l("Activity"), coerce=int, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
