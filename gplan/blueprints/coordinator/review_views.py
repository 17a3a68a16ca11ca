"""The review queue: every submission awaiting review, oldest first; accept or return several
at once (gplan.tasks.review_queue)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from gplan.accounts.vocabulary import Role
from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.args import _owned, chosen_year, coordinator_pages
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.forms import BaseForm
from gplan.models import Body, Objective
from gplan.paging import requested_page
from gplan.plans.queries import get_plan_or_404
from gplan.reporting.overview import ordered_bodies
from gplan.tasks import review_queue
from gplan.timeutil import local_today
from gplan.validation import InputError


def _filters(plan) -> dict:
    body = _owned(Body, plan, request.args.get("body", type=int))
    objective = _owned(Objective, plan, request.args.get("objective", type=int))
    return {
        "body_id": body.id if body else None,
        "year": chosen_year(plan),
        "objective_id": objective.id if objective else None,
    }


@bp.route("/p/<int:plan_id>/review")
@coordinator_pages
def review_queue_page(plan_id: int):
    plan = get_plan_or_404(plan_id)
    filters, today = _filters(plan), local_today()
    return render_template(
        "coordinator/review.html",
        plan=plan,
        filters=filters,
        filters_args={
            "body": filters["body_id"],
            "year": filters["year"],
            "objective": filters["objective_id"],
        },
        page=review_queue.waiting_page(plan, *requested_page(request.args), **filters),
        bodies=ordered_bodies(plan, []),
        working_days=lambda since: review_queue.working_days_between(since, today),
        form=BaseForm(),
        today=today,
    )


def _versions() -> dict[int, int | None]:
    """The ticked tasks as id → the version read (``task=<id>:<version>``)."""
    versions: dict[int, int | None] = {}
    for value in request.form.getlist("task"):
        task_id, _, version = value.partition(":")
        if not task_id.isdigit() or not (version.isdigit() or version == ""):
            abort(400)
        versions[int(task_id)] = int(version) if version else None
    return versions


@bp.route("/p/<int:plan_id>/review", methods=["POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def review_decide(plan_id: int):
    plan = get_plan_or_404(plan_id)
    BaseForm().validate_on_submit() or abort(400)
    versions = _versions()
    filtered = request.query_string.decode()  # the queue's filters, kept
    back = redirect(url_for(".review_queue_page", plan_id=plan.id) + (f"?{filtered}" if filtered else ""))
    if not versions:
        flash(gettext("Tick the submissions to decide."), "error")
        return back
    accept = "accept" in request.form
    try:
        outcome = review_queue.decide_many(
            current_user, plan, versions, accept=accept, reason=request.form.get("reason")
        )
    except InputError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    db.session.commit()
    if outcome.decided:
        done = ngettext("%(num)d accepted.", "%(num)d accepted.", len(outcome.decided))
        if not accept:
            done = ngettext("%(num)d returned.", "%(num)d returned.", len(outcome.decided))
        flash(done, "success")
    for task, message in outcome.refused:
        flash(f"{task.responsibility.ref} · {task.body.name}: {message}", "error")
    return back
