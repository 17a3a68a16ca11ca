from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from gplan.forms import BaseForm, LocalDateField

# Each language in its own name, marked as such for screen readers.
LANGUAGE_CHOICES = [("vi", "Tiếng Việt", {"lang": "vi"}), ("en", "English", {"lang": "en"})]


class UserForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    body = SelectField(_l("Body (for focal points)"), coerce=int)
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Create and send invitation"))


class UserEditForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    body = SelectField(_l("Body (for focal points)"), coerce=int)
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save"))


class ActionForm(BaseForm):
    """A button that changes something: only the CSRF token."""


class BodyForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=300)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(
        _l("Contact email"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Reminders go here while the body has no focal point."),
    )
    submit = SubmitField(_l("Save"))


class NewBodyForm(BaseForm):
    """The key and names of a body being added, here or in a plan draft."""

    key = StringField(
        _l("Key"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Lower-case letters, digits and hyphens, e.g. district-thanh-ha; it stays."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=300)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=120)])


class MemberForm(NewBodyForm):
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Email(), Length(max=254)])
    submit = SubmitField(_l("Add member unit"))


def _period_fields():
    start = IntegerField(_l("First year"), validators=[Optional(), NumberRange(min=1900, max=2200)])
    end = IntegerField(_l("Last year"), validators=[Optional(), NumberRange(min=1900, max=2200)])
    return start, end


class PeriodMixin:
    start: IntegerField
    end: IntegerField

    def validate(self, extra_validators=None) -> bool:
        # Checked after the fields, because Optional() stops a field's own validators when it
        # is left empty, and "one year given, the other empty" is exactly that case.
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if valid and (self.start.data is None) != (self.end.data is None):
            self.end.errors = [*self.end.errors, _l("Give both years of the period, or neither.")]
            return False
        return bool(valid)

    def validate_end(self, field):
        if field.data is not None and self.start.data is not None and field.data < self.start.data:
            raise ValidationError(_l("The last year is before the first."))

    @property
    def period(self) -> tuple[int, int] | None:
        if self.start.data is None or self.end.data is None:
            return None
        return (self.start.data, self.end.data)


class PlanUploadForm(PeriodMixin, BaseForm):
    file = FileField(
        _l("Plan file (YAML) or plan workbook (Excel)"),
        validators=[
            FileRequired(_l("Choose the plan file.")),
            FileAllowed(
                ["yaml", "yml", "xlsx"], _l("A plan file ends in .yaml or .yml, a plan workbook in .xlsx.")
            ),
        ],
        description=_l(
            "Written as docs/plan-format.md describes, or filled in from the empty plan workbook. "
            "Re-importing a plan updates it in place."
        ),
    )
    start, end = _period_fields()
    submit = SubmitField(_l("Check and import"))


class RolloverForm(PeriodMixin, BaseForm):
    # Required, not Optional: an inline validate_start would never run after Optional.
    start = IntegerField(
        _l("First year"),
        validators=[
            InputRequired(_l("Give the first year of the new period.")),
            NumberRange(min=1900, max=2200),
        ],
    )
    end = _period_fields()[1]
    file = FileField(
        _l("Plan file (optional)"),
        validators=[Optional(), FileAllowed(["yaml", "yml"], _l("A plan file ends in .yaml or .yml."))],
        description=_l("Leave empty to use the file this plan was imported from."),
    )
    submit = SubmitField(_l("Start a draft for the new period"))


class AdHocTaskForm(BaseForm):
    body = SelectField(_l("Body"), coerce=int, validators=[DataRequired(_l("Choose a body."))])
    title = TextAreaField(_l("Task"), validators=[DataRequired(), Length(max=2000)])
    due_on = LocalDateField(_l("Due date"), validators=[InputRequired(_l("Give the due date."))])
    note = TextAreaField(_l("Note for the body"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Assign the task"))


class ExtensionForm(BaseForm):
    deadline = LocalDateField(_l("New deadline"), validators=[InputRequired(_l("Give the new deadline."))])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Extend the deadline"))


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField(_l("What"), validators=[Optional()])
    who = StringField(_l("Who (name or email)"), validators=[Optional(), Length(max=254)])
    date_from = LocalDateField(_l("From date"), validators=[Optional()], description="")
    date_to = LocalDateField(_l("To date"), validators=[Optional()], description="")


class ReviewSettingsForm(BaseForm):
    review_required = BooleanField(_l("Review work before it counts as done"))
    review_wait_days = IntegerField(
        _l("Working days a submission may wait before the coordinators' digest names it"),
        validators=[InputRequired(), NumberRange(min=1, max=60)],
    )
    submit = SubmitField(_l("Save"))


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False

    role = SelectField(_l("Role"), validators=[Optional()])
    body = SelectField(_l("Body"), coerce=int, validators=[Optional()])
    who = StringField(_l("Name or email"), validators=[Optional(), Length(max=254)])
