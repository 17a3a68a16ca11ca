"""The administrator's reminder policy page, with the last runs and a preview of any day."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from gplan.accounts.vocabulary import Role
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import ReminderRun
from gplan.reminders.planner import due_reminders
from gplan.reminders.policy import current_policy, save_policy
from gplan.reminders.views import bp
from gplan.reminders.views.forms import PolicyForm, PreviewForm
from gplan.timeutil import local_today
from gplan.validation import InputError


@bp.route("/admin/reminders", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def policy():
    form = PolicyForm.for_policy(current_policy())
    if form.validate_on_submit():
        try:
            save_policy(form.to_policy(), current_user)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("The reminder policy was saved."), "success")
            return redirect(url_for(".policy"))
    return _render(form)


def _render(form: PolicyForm):
    """The page: the form, a preview of the day asked for (that day alone), the last runs."""
    preview_form = PreviewForm(request.args)
    day = preview_form.date.data if request.args.get("date") and preview_form.validate() else None
    runs = db.session.scalars(select(ReminderRun).order_by(ReminderRun.id.desc()).limit(10))
    return render_template(
        "reminders/policy.html",
        form=form,
        preview_form=preview_form,
        preview=due_reminders(day, ignore_history=True) if day else None,
        runs=list(runs),
        today=local_today(),
    )
