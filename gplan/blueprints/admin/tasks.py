"""The coordinator's task administration: ad-hoc tasks and deadline extensions."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.forms import AdHocTaskForm, ExtensionForm
from gplan.blueprints.decorators import roles_required
from gplan.collation import by_name
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import Body, Plan, Task
from gplan.tasks import admin as task_admin
from gplan.templating import locale_code
from gplan.timeutil import local_today
from gplan.validation import InputError


def _body_choices(plan: Plan) -> list[tuple[int, str]]:
    locale = locale_code()
    query = select(Body).where(Body.jurisdiction == plan.jurisdiction)
    bodies = by_name(db.session.scalars(query), lambda b: b.display_name(locale), locale)
    choices = [(0, "—")]
    for body in bodies:
        if body.is_group and not body.members:
            continue
        label = body.display_name(locale)
        if body.is_group:
            label = gettext("%(name)s (each member unit)", name=label)
        choices.append((body.id, label))
    return choices


@bp.route("/plans/<int:plan_id>/ad-hoc", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def ad_hoc_task(plan_id: int):
    plan = db.session.get(Plan, plan_id) or abort(404)
    form = AdHocTaskForm()
    form.body.choices = _body_choices(plan)
    if form.validate_on_submit():
        body = db.session.get(Body, form.body.data) or abort(404)
        assert form.title.data is not None and form.due_on.data is not None  # DataRequired
        try:
            tasks = task_admin.add_ad_hoc_task(
                current_user, plan, body, form.title.data, form.due_on.data, form.note.data
            )
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("The task was assigned (%(n)d tasks created).", n=len(tasks)), "success")
            if len(tasks) == 1:
                return redirect(url_for("focal.task", task_id=tasks[0].id))
            return redirect(url_for("focal.tasks", plan_id=plan.id, body=tasks[0].body_id))
    status = 422 if form.errors else 200
    return render_template("admin/ad_hoc_task.html", plan=plan, form=form, today=local_today()), status


@bp.route("/tasks/<int:task_id>/extend", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def extend_deadline(task_id: int):
    task = db.session.get(Task, task_id) or abort(404)
    form = ExtensionForm()
    if form.validate_on_submit():
        assert form.deadline.data is not None and form.reason.data is not None  # DataRequired
        try:
            task_admin.extend_deadline(current_user, task, form.deadline.data, form.reason.data)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("The deadline was extended."), "success")
            return redirect(url_for("focal.task", task_id=task.id))
    page = render_template("admin/extend.html", task=task, plan=task.plan, form=form, today=local_today())
    return page, 422 if form.errors else 200
