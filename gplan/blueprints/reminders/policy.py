"""The administrator's reminder policy page, with the last runs and a preview of any day."""

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import ReminderRun
from ...models.user import ADMIN
from ...services.reminders import plan_run
from ...services.reminders_policy import Policy, PolicyError, current_policy, parse_days_before, save_policy
from ...timeutil import local_today
from ..decorators import roles_required
from . import bp
from .forms import PolicyForm, PreviewForm


@bp.route("/admin/reminders", methods=["GET", "POST"])
@roles_required(ADMIN)
def policy():
    policy = current_policy()
    form = PolicyForm(data={**asdict(policy), "days_before": ", ".join(map(str, policy.days_before))})
    if form.validate_on_submit():
        try:
            fields = {name: form[name].data for name in asdict(policy) if name != "days_before"}
            save_policy(Policy(days_before=parse_days_before(form.days_before.data), **fields), current_user)
        except PolicyError as error:
            db.session.rollback()
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash(gettext("The reminder policy was saved."), "success")
            return redirect(url_for(".policy"))
    preview_form = PreviewForm(request.args)
    preview = None
    if request.args.get("date") and preview_form.validate():
        preview = plan_run(preview_form.date.data, ignore_history=preview_form.fresh.data)
    runs = db.session.scalars(select(ReminderRun).order_by(ReminderRun.id.desc()).limit(10))
    return render_template(
        "reminders/policy.html",
        form=form,
        preview_form=preview_form,
        preview=preview,
        runs=list(runs),
        today=local_today(),
    )
