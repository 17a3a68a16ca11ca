from __future__ import annotations

from dataclasses import asdict

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from gplan.forms import BaseForm, LocalDateField
from gplan.reminders.nudge import NOTE_MAX
from gplan.reminders.policy import MAX_DAYS, Policy, parse_days_before
from gplan.reminders.vocabulary import ReminderKind

_DAYS = [InputRequired(), NumberRange(min=0, max=MAX_DAYS)]


class PolicyForm(BaseForm):
    days_before = StringField(
        _l("Remind this many days before a due date"),
        validators=[Length(max=200)],
        description=_l("Whole numbers separated by commas, e.g. 14, 3. Leave empty for none."),
    )
    on_due_date = BooleanField(_l("Remind on the due date"))
    overdue_every_days = IntegerField(
        _l("While overdue, remind every this many days"), validators=_DAYS, description=_l("0: no repeat.")
    )
    escalate_after_days = IntegerField(
        _l("Copy the coordinator when a task is overdue by more than this many days"),
        validators=_DAYS,
        description=_l("0: never."),
    )
    window_notice_days = IntegerField(
        _l("Announce a period (e.g. the Action Month) this many days before it opens"),
        validators=_DAYS,
        description=_l("0: no advance notice."),
    )
    window_open_notice = BooleanField(_l("Announce a period on the day it opens"))
    skip_weekends = BooleanField(
        _l("Skip weekends: reminders falling on Saturday or Sunday go out on Friday")
    )
    submit = SubmitField(_l("Save the policy"))

    @classmethod
    def for_policy(cls, policy: Policy) -> PolicyForm:
        return cls(data={**asdict(policy), "days_before": ", ".join(map(str, policy.days_before))})

    def to_policy(self) -> Policy:
        """The policy as entered; raises InputError (naming the field) for a bad list of days."""
        others = {name: self[name].data for name in asdict(Policy()) if name != "days_before"}
        return Policy(days_before=parse_days_before(self.days_before.data), **others)


class PreviewForm(BaseForm):
    class Meta:
        csrf = False

    date = LocalDateField(_l("Day"), validators=[Optional()], description="")


class PreferencesForm(BaseForm):
    """One box per reminder kind a focal point may switch off, named by the kind."""

    submit = SubmitField(_l("Save my choices"))


for _kind in ReminderKind.optional():
    setattr(PreferencesForm, _kind.value, BooleanField(_kind.preference))


class NudgeForm(BaseForm):
    note = TextAreaField(
        _l("Note to the body (optional)"),
        validators=[Length(max=NOTE_MAX)],
        description=_l("Sent with the list of their overdue and due-soon tasks."),
    )
    submit = SubmitField(_l("Send the reminder now"))
