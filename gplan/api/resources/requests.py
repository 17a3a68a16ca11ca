"""Extension requests and the comment thread on a task: the task page's steps, through the API."""

from flask import abort
from flask_smorest import abort as api_abort

from gplan.accounts.access import (
    can_ask_extension,
    can_comment,
    can_decide_extension,
    require,
    visible_body_ids,
)
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import CommentInputSchema, ExtensionAskSchema, ExtensionDecisionSchema, PageQuerySchema
from gplan.api.resources.plans import get_plan
from gplan.api.resources.tasks import viewable_task
from gplan.api.task_schemas import (
    CommentListSchema,
    CommentSchema,
    ExtensionRequestListSchema,
    ExtensionRequestPageSchema,
    ExtensionRequestSchema,
)
from gplan.extensions import db
from gplan.mail.delivery import deliver_pending
from gplan.models import ExtensionRequest
from gplan.tasks import comments, extensions

bp = resource_blueprint(
    "Requests",
    __name__,
    "A body's requests for a later deadline and the coordinator's decisions; the comment thread "
    "on a task between the body and the coordinator.",
)


def _conflict(error: extensions.RequestConflict):
    db.session.rollback()
    api_abort(409, message=error.message)


@bp.get("/tasks/<int(max=2147483647):task_id>/extension-requests")
@bp.response(200, ExtensionRequestListSchema)
@documented_errors(bp, 401, 403, 404)
def task_requests(task_id: int):
    """Every extension request made on the task, newest first, with its decision."""
    return {"items": extensions.requests_of(viewable_task(task_id))}


@bp.post("/tasks/<int(max=2147483647):task_id>/extension-requests")
@bp.arguments(ExtensionAskSchema)
@bp.response(201, ExtensionRequestSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 413, 415)
def ask(asked: dict, task_id: int):
    """Ask for a later deadline, as one of the task's body's focal points, giving the reason.

    The date must be after the current deadline. A task holding a request that awaits a
    decision gives 409. The coordinators see it in their list of pending requests.
    """
    task = viewable_task(task_id)
    user = api_user()
    require(can_ask_extension(user, task))
    try:
        request = extensions.ask_extension(user, task, asked["asked_for"], asked["reason"])
    except extensions.RequestConflict as error:
        _conflict(error)
    db.session.commit()
    return request


@bp.get("/plans/<int(max=2147483647):plan_id>/extension-requests")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, ExtensionRequestPageSchema)
@documented_errors(bp, 401, 404)
def pending(plan_id: int, page: int, per_page: int):
    """The plan's requests awaiting a decision, oldest first, a page at a time (a focal point:
    its own body's)."""
    plan = get_plan(plan_id)
    return extensions.pending_requests(plan, page, per_page, visible_body_ids(api_user()))


@bp.post("/extension-requests/<int(max=2147483647):request_id>/decision")
@bp.arguments(ExtensionDecisionSchema)
@bp.response(200, ExtensionRequestSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 413, 415)
def decide(decision: dict, request_id: int):
    """Approve (for `granted_on`, by default the date asked) or refuse (with a `decision_note`) a
    request, as a coordinator or administrator.

    Approving extends the task's deadline. The body's focal points are mailed the decision. A
    request already decided, or changed since the `version` sent, gives 409.
    """
    request = db.session.get(ExtensionRequest, request_id) or abort(404)
    viewable_task(request.task_id)
    user = api_user()
    require(can_decide_extension(user))
    try:
        message_ids = extensions.decide_extension(
            user,
            request,
            approve=decision["decision"] == "approve",
            note=decision.get("decision_note"),
            granted_on=decision.get("granted_on"),
            version=decision.get("version"),
        )
    except extensions.RequestConflict as error:
        _conflict(error)
    db.session.commit()
    deliver_pending(only=message_ids)
    return request


@bp.get("/tasks/<int(max=2147483647):task_id>/comments")
@bp.response(200, CommentListSchema)
@documented_errors(bp, 401, 403, 404)
def task_comments(task_id: int):
    """The task's comment thread, oldest first."""
    return {"items": comments.comments_of(viewable_task(task_id))}


@bp.post("/tasks/<int(max=2147483647):task_id>/comments")
@bp.arguments(CommentInputSchema)
@bp.response(201, CommentSchema)
@documented_errors(bp, 400, 401, 403, 404, 413, 415)
def comment(posted: dict, task_id: int):
    """Add a comment to the task's thread (the body's focal points, coordinators and
    administrators). The others in the thread read it in their next daily digest."""
    task = viewable_task(task_id)
    user = api_user()
    require(can_comment(user, task))
    added = comments.add_comment(task, user, posted["text"])
    db.session.commit()
    return added
