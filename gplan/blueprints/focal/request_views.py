"""The task page's posts: asking for a later deadline, deciding on it, commenting.

A refused form comes back on the task page with what was typed and the message."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from gplan.accounts.access import can_ask_extension, can_comment, can_decide_extension, can_view_task, require
from gplan.blueprints.focal import bp
from gplan.blueprints.focal.request_forms import APPROVE, CommentForm, DecisionForm, ExtensionRequestForm
from gplan.blueprints.focal.task_page import progress_form, render_task, task_or_404
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.mail.delivery import deliver_pending
from gplan.models import ExtensionRequest, Task
from gplan.tasks import comments, extensions
from gplan.tasks.vocabulary import ExtensionState
from gplan.validation import InputError


def _task(task_id: int) -> Task:
    task = task_or_404(task_id)
    require(can_view_task(current_user, task))
    return task


def _refused(task: Task, status: int = 422, **forms):
    if not any(form.form_errors for form in forms.values()):
        flash(gettext("Nothing was saved: please correct what is marked below."), "error")
    return render_task(task, progress_form(task), status, **forms)


@bp.route("/tasks/<int:task_id>/extension-request", methods=["POST"])
@login_required
def ask_extension(task_id: int):
    task = _task(task_id)
    require(can_ask_extension(current_user, task))
    form = ExtensionRequestForm()
    if form.validate_on_submit():
        assert form.asked_for.data is not None and form.reason.data is not None  # required
        try:
            extensions.ask_extension(current_user, task, form.asked_for.data, form.reason.data)
        except InputError as error:
            show_input_error(form, error)
            return _refused(
                task, 409 if isinstance(error, extensions.RequestConflict) else 422, request_form=form
            )
        db.session.commit()
        flash(gettext("Your request was sent to the coordinator."), "success")
        return redirect(url_for(".task", task_id=task.id, _anchor="extension"))
    return _refused(task, request_form=form)


@bp.route("/extension-requests/<int:request_id>/decision", methods=["POST"])
@login_required
def decide_extension(request_id: int):
    request = db.session.get(ExtensionRequest, request_id) or abort(404)
    task = _task(request.task_id)
    require(can_decide_extension(current_user))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            message_ids = extensions.decide_extension(
                current_user,
                request,
                approve=form.decision.data == APPROVE,
                note=form.decision_note.data,
                granted_on=form.granted_on.data,
                version=form.version.data,
            )
        except InputError as error:
            show_input_error(form, error)
            return _refused(
                task, 409 if isinstance(error, extensions.RequestConflict) else 422, decision_form=form
            )
        db.session.commit()
        deliver_pending(only=message_ids)
        approved = request.state == ExtensionState.APPROVED
        flash(
            gettext("The extension was approved.") if approved else gettext("The request was refused."),
            "success",
        )
        return redirect(url_for(".task", task_id=task.id, _anchor="extension"))
    return _refused(task, decision_form=form)


@bp.route("/tasks/<int:task_id>/comments", methods=["POST"])
@login_required
def comment(task_id: int):
    task = _task(task_id)
    require(can_comment(current_user, task))
    form = CommentForm()
    if form.validate_on_submit():
        assert form.text.data is not None  # required
        try:
            comments.add_comment(task, current_user, form.text.data)
        except InputError as error:
            show_input_error(form, error)
            return _refused(task, comment_form=form)
        db.session.commit()
        flash(gettext("Your comment was added."), "success")
        return redirect(url_for(".task", task_id=task.id, _anchor="comments"))
    return _refused(task, comment_form=form)
