from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from gplan.accounts.access import can_change_task, can_view_body, can_view_task, require
from gplan.blueprints.focal import bp
from gplan.blueprints.focal.filters import task_filter_from_args
from gplan.blueprints.focal.task_page import progress_form, render_task, task_or_404
from gplan.extensions import db
from gplan.models import Body
from gplan.models.lookup import by_id
from gplan.paging import requested_page
from gplan.plans import queries as plan_queries
from gplan.tasks import evidence as evidence_files
from gplan.tasks.progress import record_progress
from gplan.tasks.query import TaskQuery
from gplan.tasks.review import ReviewConflict
from gplan.timeutil import local_today


def _chosen_body(plan) -> Body | None:
    """A focal point's own body; for the others, the body picked in the query string."""
    if current_user.is_focal_point:
        requested = request.args.get("body", type=int)
        require(requested in (None, current_user.body_id))
        return current_user.body
    if "body" not in request.args:
        return None
    body = by_id(Body, request.args.get("body", type=int) or 0)
    if body is None or not plan_queries.body_in_plan(plan, body):
        abort(404)
    return body


@bp.route("/p/<int:plan_id>/tasks")
@login_required
def tasks(plan_id: int):
    plan = plan_queries.get_plan_or_404(plan_id)
    body = _chosen_body(plan)
    if body is None:
        return render_template(
            "focal/choose_body.html",
            plan=plan,
            participants=plan_queries.participants(plan),
        )
    require(can_view_body(current_user, body))
    form, filters = task_filter_from_args(plan, body, request.args)
    today = local_today()
    query = TaskQuery(current_user, filters, today, current_app.config["DUE_SOON_DAYS"])
    return render_template(
        "focal/tasks.html",
        plan=plan,
        body=body,
        listing=query.sectioned_page(*requested_page(request.args)),
        form=form,
        filters=filters,
        today=today,
    )


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: int):
    task = task_or_404(task_id)
    require(can_view_task(current_user, task))
    if request.method == "POST":
        require(can_change_task(current_user, task))
    form = progress_form(task)
    if request.method == "POST" and form is None:  # awaiting review, or accepted and locked
        flash(gettext("This task cannot be changed by hand now: see its review below."), "error")
        return render_task(task, None, 409)
    if form is not None and form.validate_on_submit():
        upload = form.evidence_file.data
        stored = evidence_files.store(upload) if upload and upload.filename else None
        try:
            record_progress(
                task, current_user, form.progress.data, form.note.data, form.evidence_url.data, stored
            )
        except ReviewConflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return render_task(task, form, 409)
        db.session.commit()
        flash(gettext("Saved."), "success")
        return redirect(url_for(".task", task_id=task.id))
    if form is not None and form.errors:
        flash(gettext("Nothing was saved: please correct what is marked below."), "error")
    return render_task(task, form)


@bp.route("/tasks/<int:task_id>/evidence")
@login_required
def evidence(task_id: int):
    task = task_or_404(task_id)
    require(can_view_task(current_user, task))
    if not task.evidence_file:
        abort(404)
    path = evidence_files.path_of(task.evidence_file)
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=path.name)
    response.headers["Content-Disposition"] = evidence_files.content_disposition(
        task.evidence_name or path.name
    )
    return response
