"""The forms of the plan-draft editor and of retiring a body."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from gplan.blueprints.admin.forms import NewBodyForm
from gplan.forms import BaseForm, LocalDateField


class DraftHeaderForm(BaseForm):
    code = StringField(
        _l("Document number"),
        validators=[Optional(), Length(max=80)],
        description=_l("The new plan's own number, e.g. 125/KH-UBND."),
    )
    issued_on = LocalDateField(_l("Date of issue"), validators=[Optional()])
    title = TextAreaField(_l("Title"), validators=[Optional(), Length(max=500)])
    title_en = TextAreaField(_l("Title in English"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class DraftTextForm(BaseForm):
    text = TextAreaField(_l("Text"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save the text"))


SCHEDULE_KINDS = [
    ("yearly", _l("Every year")),
    ("window", _l("Every year, within a window")),
    ("once", _l("Once")),
    ("periodic", _l("On several days each year")),
]


class DutyForm(BaseForm):
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])
    assignees = StringField(
        _l("Bodies that get the tasks"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Body keys separated by commas; a group gives each member unit its tasks; "
            "all = every implementing body."
        ),
    )
    lead = StringField(_l("Lead (chủ trì)"), validators=[Optional(), Length(max=2000)])
    coordinating = StringField(_l("Coordinating (phối hợp)"), validators=[Optional(), Length(max=2000)])
    kind = SelectField(_l("Schedule"), choices=SCHEDULE_KINDS)
    due = StringField(
        _l("Due day"), validators=[Optional(), Length(max=40)], description=_l("A named due day or MM-DD.")
    )
    year_offset = StringField(
        _l("Year offset"),
        validators=[Optional(), Length(max=3)],
        description=_l("-1 = due in the year before."),
    )
    year = StringField(
        _l("Year of the period"),
        validators=[Optional(), Length(max=5)],
        description=_l("1, 2, … or last (for a once schedule)."),
    )
    start = StringField(_l("Window start"), validators=[Optional(), Length(max=40)])
    end = StringField(_l("Window end"), validators=[Optional(), Length(max=40)])
    report_due = StringField(_l("Report due"), validators=[Optional(), Length(max=40)])
    dues = StringField(
        _l("Due days"),
        validators=[Optional(), Length(max=400)],
        description=_l("For several days each year, separated by commas."),
    )
    submit = SubmitField(_l("Save the duty"))


class TargetOwnerForm(BaseForm):
    # The choices are the draft's bodies; the domain refuses another key with its own message.
    owner = SelectField(_l("Figure reported by"), validate_choice=False)
    submit = SubmitField(_l("Save the owner"))


class DraftBodyForm(NewBodyForm):
    group = SelectField(_l("Member unit of"), validators=[Optional()])
    ref = StringField(
        _l("Section IV paragraph"),
        validators=[Optional(), Length(max=40)],
        description=_l("e.g. IV.17; leave empty for a member unit."),
    )
    submit = SubmitField(_l("Add the body"))


class RetireForm(BaseForm):
    on = LocalDateField(_l("Retired from"), validators=[InputRequired(_l("Give the date."))])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    successor = SelectField(_l("Its open tasks go to"), coerce=int)
    preview = SubmitField(_l("Count the tasks for this choice"))
    submit = SubmitField(_l("Retire the body"))
