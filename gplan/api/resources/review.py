"""Review of tasks: a body's focal point submits its work; a coordinator accepts it, returns it
with a reason, or reopens an accepted task. The same steps as the task page (gplan.tasks.review)."""

from gplan.accounts.access import require
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import ReviewDecisionInputSchema, ReviewReasonInputSchema, SubmissionInputSchema
from gplan.api.resources.tasks import viewable_task
from gplan.api.task_schemas import SubmissionListSchema, TaskSchema
from gplan.extensions import db
from gplan.tasks import review

bp = resource_blueprint(
    "Review",
    __name__,
    "Submitting a task's work for review, and the coordinator's decision: accept (done, locked) "
    "or return with a reason; reopening an accepted task. On when the plan reviews work.",
)

STEP_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


@bp.get("/tasks/<int(max=2147483647):task_id>/submissions")
@bp.response(200, SubmissionListSchema)
@documented_errors(bp, 401, 403, 404)
def submissions(task_id: int):
    """Every submission of the task, newest first, with its decision."""
    return {"items": viewable_task(task_id).submissions}


@bp.post("/tasks/<int(max=2147483647):task_id>/submit")
@bp.arguments(SubmissionInputSchema)
@bp.response(200, TaskSchema)
@documented_errors(bp, *STEP_ERRORS)
def submit(body: dict, task_id: int):
    """Submit the task's work for review (a focal point of the task's body only).

    409 when the plan has no review, the task is already awaiting review, or it was accepted
    and is locked.
    """
    task = viewable_task(task_id)
    require(review.can_submit(api_user(), task))
    figures = {figure["target_value"]: figure["value"] for figure in body.get("figures") or []}
    review.submit(task, api_user(), body["narrative"], body.get("evidence_url"), figures=figures)
    db.session.commit()
    return task


def _decided(task_id: int, body: dict, step) -> object:
    task = viewable_task(task_id)
    require(review.can_review(api_user(), task))
    step(task, body)
    db.session.commit()
    return task


@bp.post("/tasks/<int(max=2147483647):task_id>/accept")
@bp.arguments(ReviewDecisionInputSchema)
@bp.response(200, TaskSchema)
@documented_errors(bp, *STEP_ERRORS)
def accept(body: dict, task_id: int):
    """Accept the waiting submission (coordinators and administrators): the task is done as of
    the day it was submitted, and locked. 409 when nothing is waiting (decided already) or the
    `version` sent is not the task's."""
    return _decided(task_id, body, lambda task, b: review.accept(task, api_user(), b.get("version")))


@bp.post("/tasks/<int(max=2147483647):task_id>/return")
@bp.arguments(ReviewReasonInputSchema)
@bp.response(200, TaskSchema)
@documented_errors(bp, *STEP_ERRORS)
def send_back(body: dict, task_id: int):
    """Return the waiting submission to the body with a `reason` (required, else 422)."""
    return _decided(
        task_id,
        body,
        lambda task, b: review.return_submission(task, api_user(), b["reason"], b.get("version")),
    )


@bp.post("/tasks/<int(max=2147483647):task_id>/reopen")
@bp.arguments(ReviewReasonInputSchema)
@bp.response(200, TaskSchema)
@documented_errors(bp, *STEP_ERRORS)
def reopen(body: dict, task_id: int):
    """Reopen an accepted task with a `reason` (required): it is in progress again."""
    return _decided(
        task_id, body, lambda task, b: review.reopen(task, api_user(), b["reason"], b.get("version"))
    )
