"""Review on the task page: a focal point submits, a coordinator accepts, returns or reopens.
Each calls gplan.tasks.review; a refused form comes back filled with what was typed."""

from flask import flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from gplan.accounts.access import can_view_task, require
from gplan.blueprints.focal import bp
from gplan.blueprints.focal.review_forms import DecisionForm, ReopenForm, submission_form, version_of
from gplan.blueprints.focal.task_page import progress_form, render_task, task_or_404
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import Task
from gplan.tasks import evidence as evidence_files
from gplan.tasks import review
from gplan.validation import InputError


def _task(task_id: int) -> Task:
    task = task_or_404(task_id)
    require(can_view_task(current_user, task))
    return task


def _commit(task: Task, done: str):
    """Commit the step; a coordinator who acted on the same task first wins, this one is told."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(
            gettext("Someone else acted on this task at the same moment: here is where it stands now."),
            "error",
        )
    else:
        flash(done, "success")
    return redirect(url_for(".task", task_id=task.id))


def _refused(task: Task, error: review.ReviewConflict, **filled):
    db.session.rollback()
    flash(error.message, "error")
    db.session.refresh(task)
    return render_task(task, progress_form(task), 409, **filled)


@bp.route("/tasks/<int:task_id>/submit", methods=["POST"])
@login_required
def submit_task(task_id: int):
    task = _task(task_id)
    require(review.can_submit(current_user, task))
    form = submission_form(review.figure_slots(task), task.year)
    if form.validate_on_submit():
        upload = form.evidence_file.data
        stored = evidence_files.store(upload) if upload and upload.filename else None
        try:
            review.submit(
                task, current_user, form.narrative.data, form.evidence_url.data, stored, form.figures()
            )
        except InputError as error:
            show_input_error(form, error)
        except review.ReviewConflict as error:
            return _refused(task, error, submission=form)
        else:
            return _commit(task, gettext("Submitted for review."))
    flash(gettext("Nothing was saved: please correct what is marked below."), "error")
    return render_task(task, progress_form(task), 422, submission=form)


@bp.route("/tasks/<int:task_id>/decide", methods=["POST"])
@login_required
def decide_task(task_id: int):
    task = _task(task_id)
    require(review.can_review(current_user, task))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.accept.data:
                review.accept(task, current_user, version_of(form))
                done = gettext("Accepted: the task is done and locked.")
            else:
                review.return_submission(task, current_user, form.reason.data, version_of(form))
                done = gettext("Returned to the body.")
        except InputError as error:
            show_input_error(form, error)
        except review.ReviewConflict as error:
            return _refused(task, error)
        else:
            return _commit(task, done)
    return render_task(task, progress_form(task), 422, decision=form)


@bp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
@login_required
def reopen_task(task_id: int):
    task = _task(task_id)
    require(review.can_review(current_user, task))
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            review.reopen(task, current_user, form.reason.data, version_of(form))
        except InputError as error:
            show_input_error(form, error)
        except review.ReviewConflict as error:
            return _refused(task, error)
        else:
            return _commit(task, gettext("Reopened: the task is in progress again."))
    return render_task(task, progress_form(task), 422, reopen=form)
