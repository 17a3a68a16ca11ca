"""The task page's forms, built for who is looking and where the task stands, and the page
itself: the progress view and the review views render it the same way."""

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm.attributes import set_committed_value

from gplan.accounts.access import can_change_task
from gplan.blueprints.focal.forms import ProgressForm
from gplan.blueprints.focal.review_forms import DecisionForm, ReopenForm, submission_form
from gplan.blueprints.focal.thread import thread_context
from gplan.extensions import db
from gplan.models import (
    Body,
    ExtensionRequest,
    Plan,
    Responsibility,
    ResponsibilityBody,
    Task,
    TaskComment,
    TaskEvent,
    TaskSubmission,
)
from gplan.tasks import review
from gplan.tasks.progress import next_progress_choices
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import local_today

SUBMITTABLE = (TaskProgress.NOT_STARTED, TaskProgress.IN_PROGRESS, TaskProgress.RETURNED)
# The forms of the extension requests and the comment thread (gplan.blueprints.focal.thread).
THREAD_FORMS = ("request_form", "decision_form", "comment_form")
# The task's collections the page shows, by the column that ties each to its task.
THREADS: dict[str, Any] = {
    "submissions": TaskSubmission.task_id,
    "events": TaskEvent.task_id,
    "extension_requests": ExtensionRequest.task_id,
    "comments": TaskComment.task_id,
}
_THREAD_FOUND = [exists().where(column == Task.id).label(name) for name, column in THREADS.items()]
# Built once: SQLAlchemy keeps a statement's cache key with it (see gplan.tasks.statements).
# Not an eager-load option on the task: it would stay on the instance, and a later
# SELECT … FOR UPDATE of the task would join them too, which PostgreSQL refuses.
_TASK = (
    select(Task, Plan, Responsibility, Body, *_THREAD_FOUND)
    .join(Plan, Plan.id == Task.plan_id)
    .join(Responsibility, Responsibility.id == Task.responsibility_id)
    .join(Body, Body.id == Task.body_id)
    .where(Task.id == bindparam("task_id"))
)
_DUTY_BODIES = (
    select(ResponsibilityBody, Body)
    .join(Body, Body.id == ResponsibilityBody.body_id)
    .where(ResponsibilityBody.responsibility_id == bindparam("duty_id"))
    .order_by(ResponsibilityBody.position)
)


def task_or_404(task_id: int) -> Task:
    """The task of a task page, with the plan, duty and body every such page shows read in the
    same statement, the duty's lead and coordinating bodies in one more, and, when showing the
    page, which of its threads have anything in them."""
    row = db.session.execute(_TASK, {"task_id": task_id}).first()
    if row is None:
        abort(404)
    task, plan, duty, body, *found = row
    loaded = {"plan": plan, "responsibility": duty, "body": body}
    # Most tasks have no submission, request, comment or history yet: the page asks the
    # database for none of them. Only when reading, since a change would have to add to them.
    if request.method == "GET":
        loaded |= {name: [] for name, there in zip(THREADS, found, strict=True) if not there}
    # Attached as loaded, not as changes: the session holds only weak references to them. A
    # commit or rollback expires them, and they are read again.
    for name, value in loaded.items():
        set_committed_value(task, name, value)
    roles = []
    for role, role_body in db.session.execute(_DUTY_BODIES, {"duty_id": duty.id}).tuples():
        set_committed_value(role, "body", role_body)
        roles.append(role)
    set_committed_value(duty, "body_roles", roles)
    found_task: Task = task
    return found_task


def progress_form(task: Task) -> ProgressForm | None:
    """Recording progress by hand, when the user may and the task can move."""
    moves = [(p, p.action) for p in next_progress_choices(task)]
    if not can_change_task(current_user, task) or not moves:
        return None
    keep = (task.progress, gettext("Keep: %(state)s", state=task.progress.title))
    return ProgressForm(current=task.progress, choices=[keep, *moves])


def review_forms(task: Task) -> dict:
    """The review forms this user may fill on this task now (none with review off)."""
    forms: dict = {"submission": None, "decision": None, "reopen": None}
    if not task.plan.review_required:
        return forms
    if review.can_submit(current_user, task) and task.progress in SUBMITTABLE:
        forms["submission"] = submission_form(review.figure_slots(task), task.year, formdata=None)
    if review.can_review(current_user, task):
        if review.waiting_submission(task) is not None:
            forms["decision"] = DecisionForm(formdata=None, version=task.version)
        elif task.progress == TaskProgress.DONE:
            forms["reopen"] = ReopenForm(formdata=None, version=task.version)
    return forms


def render_task(task: Task, form: ProgressForm | None = None, status: int = 200, **filled):
    """The task page, with its review, extension requests and comment thread; ``filled`` are
    forms coming back with what was typed and the errors."""
    sent = {name: filled.pop(name) for name in THREAD_FORMS if name in filled}
    forms = {**review_forms(task), **filled}
    page = render_template(
        "focal/task.html",
        task=task,
        plan=task.plan,
        form=form,
        today=local_today(),
        waiting=review.waiting_submission(task),
        figure_values=review.figure_values(task),
        **forms,
        **thread_context(task, **sent),
    )
    return page, status
