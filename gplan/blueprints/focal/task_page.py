"""The task page's forms, built for who is looking and where the task stands, and the page
itself: the progress view and the review views render it the same way."""

from flask import abort, render_template
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from gplan.accounts.access import can_change_task
from gplan.blueprints.focal.forms import ProgressForm
from gplan.blueprints.focal.review_forms import DecisionForm, ReopenForm, submission_form
from gplan.blueprints.focal.thread import thread_context
from gplan.extensions import db
from gplan.models import Task
from gplan.tasks import review
from gplan.tasks.progress import next_progress_choices
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import local_today

SUBMITTABLE = (TaskProgress.NOT_STARTED, TaskProgress.IN_PROGRESS, TaskProgress.RETURNED)
# The forms of the extension requests and the comment thread (gplan.blueprints.focal.thread).
THREAD_FORMS = ("request_form", "decision_form", "comment_form")


def task_or_404(task_id: int) -> Task:
    """The task of a task page, with the plan, duty and body every such page shows read in the
    same statement."""
    options = (joinedload(Task.plan), joinedload(Task.responsibility), joinedload(Task.body))
    return db.session.get(Task, task_id, options=options) or abort(404)


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
