"""Tasks: finding them, their history, and recording progress."""

import marshmallow as ma
from flask import abort
from flask_babel import gettext
from flask_smorest import abort as api_abort

from gplan.accounts.access import can_change_task, can_view_body, can_view_task, require
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import ProgressChangeSchema, TaskQuerySchema
from gplan.api.task_json import task_page_response
from gplan.api.task_schemas import TaskHistorySchema, TaskPageSchema, TaskSchema
from gplan.extensions import db
from gplan.models import Body, Plan, Task
from gplan.models.lookup import by_id
from gplan.tasks import search as task_search
from gplan.tasks.progress import record_progress
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.timeutil import local_today
from gplan.validation import InputError

bp = resource_blueprint("Tasks", __name__, "Dated tasks of the bodies, their history and progress.")


def viewable_task(task_id: int) -> Task:
    task = by_id(Task, task_id) or abort(404)
    require(can_view_task(api_user(), task))
    return task


@bp.get("/tasks")
@bp.arguments(TaskQuerySchema, location="query", as_kwargs=True, unknown=ma.RAISE)
@bp.response(200, TaskPageSchema)
@documented_errors(bp, 401, 403, 404)
def tasks(
    page, per_page, plan=None, body=None, year=None, status=(), due_before=None, due_after=None, q=None
):
    """Tasks the caller may see, earliest deadline first, a page at a time.

    A focal point sees its own body's tasks only; asking for another body gives 403. No task
    matching is one page holding nothing; a page past the last holds nothing. A search (`q`)
    with nothing to search for (no letters or digits, too long, too many words) is 422.
    """
    search = task_search.parse(q)
    if search is not None and search.problem:
        raise InputError(search.problem, "q")
    if plan is not None and by_id(Plan, plan) is None:
        api_abort(404, message=gettext("There is no plan %(id)d.", id=plan))
    if body is not None:
        chosen = by_id(Body, body)
        if chosen is None:
            api_abort(404, message=gettext("There is no body %(id)d.", id=body))
        assert chosen is not None  # api_abort raised (flask_smorest is untyped, so mypy cannot tell)
        require(can_view_body(api_user(), chosen))
    filters = TaskFilters(
        plan_id=plan,
        body_id=body,
        year=year,
        statuses=tuple(status or ()),
        due_after=due_after,
        due_before=due_before,
        search=search,
    )
    today = local_today()
    # Written from the page's plain rows; TaskPageSchema documents it (see api/task_json.py).
    return task_page_response(TaskQuery(api_user(), filters, today).page(page, per_page), today)


@bp.get("/tasks/<int(max=2147483647):task_id>")
@bp.response(200, TaskSchema)
@documented_errors(bp, 401, 403, 404)
def task(task_id: int):
    """One task with its dates, progress and reporting status today."""
    return viewable_task(task_id)


@bp.get("/tasks/<int(max=2147483647):task_id>/history")
@bp.response(200, TaskHistorySchema)
@documented_errors(bp, 401, 403, 404)
def history(task_id: int):
    """Every recorded change of the task, newest first: progress, extensions, assignment."""
    return {"items": viewable_task(task_id).events}


@bp.post("/tasks/<int(max=2147483647):task_id>/progress")
@bp.arguments(ProgressChangeSchema)
@bp.response(200, TaskSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 413, 415)
def change_progress(change: dict, task_id: int):
    """Record the task's progress with a note, as the task page does, adding it to the history.

    Marking done records today as the completion date. Send the `version` you read to be told
    (409) when someone else changed the task in between.
    """
    task = viewable_task(task_id)
    user = api_user()
    require(can_change_task(user, task))
    if change.get("version") not in (None, task.version):
        api_abort(409, message=gettext("The task was changed since you read it: read it again."))
    if change["progress"] == task.progress:
        api_abort(409, message=gettext("The task is already in this state."))
    record_progress(task, user, change["progress"], change.get("note"), change.get("evidence_url"))
    db.session.commit()
    return task
