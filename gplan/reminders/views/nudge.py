"""The coordinator's nudge: show what a body would be reminded of, send it now, list past ones."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from gplan.accounts.vocabulary import Role
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.mail.delivery import deliver_pending
from gplan.models import Body
from gplan.plans import queries as plan_queries
from gplan.reminders.nudge import (
    body_recipients,
    nudge_body,
    nudges_of,
    nudges_on,
    outstanding_tasks,
)
from gplan.reminders.views import bp
from gplan.reminders.views.forms import NudgeForm
from gplan.timeutil import local_today
from gplan.validation import InputError


def _plan_and_body(plan_id: int, body_id: int):
    """The plan and one of its task-holding bodies, else 404."""
    plan = plan_queries.get_plan_or_404(plan_id)
    body = db.session.get(Body, body_id) or abort(404)
    if not plan_queries.body_in_plan(plan, body):
        abort(404)
    return plan, body


@bp.app_template_global("todays_nudge")
def todays_nudge(body_id: int):
    """The nudge ``body_id`` got today, if any (today's nudges are read once per request)."""
    if "_todays_nudges" not in g:
        g._todays_nudges = nudges_on(local_today())
    return g._todays_nudges.get(body_id)


@bp.route("/p/<int:plan_id>/bodies/<int:body_id>/nudge", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def nudge(plan_id: int, body_id: int):
    plan, body = _plan_and_body(plan_id, body_id)
    form, today, status = NudgeForm(), local_today(), 200
    if form.validate_on_submit():
        try:
            _, message_ids = nudge_body(plan, body, current_user, form.note.data, today)
        except InputError as error:
            show_input_error(form, error)
            status = 409
        else:
            db.session.commit()
            deliver_pending(only=message_ids)
            flash(gettext("%(body)s was reminded.", body=body.display_name(current_user.locale)), "success")
            return redirect(url_for(".nudge", plan_id=plan.id, body_id=body.id))
    return render_template(
        "reminders/nudge.html",
        plan=plan,
        body=body,
        form=form,
        today=today,
        tasks=outstanding_tasks(plan, body, today),
        recipients=body_recipients(body),
        nudges=nudges_of(body),
    ), status
