"""Plan drafts: a roll-over written and published through the API, with the admin pages' steps
(gplan.plans.drafts, draft_start, draft_publish), their refusals (422 with the same messages) and
their audit entries. Administrators only."""

from datetime import date

from flask import abort
from flask_babel import gettext
from flask_smorest import abort as api_abort

from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.draft_schemas import (
    DraftDetailSchema,
    DraftHeaderInputSchema,
    DraftPageSchema,
    DraftStartSchema,
    PublishedSchema,
)
from gplan.api.errors import error_response
from gplan.api.inputs import PageQuerySchema
from gplan.api.resources.plans import get_plan
from gplan.extensions import db
from gplan.models import PlanDraft
from gplan.paging import paginate
from gplan.plans import draft_publish, draft_start, drafts
from gplan.plans.file import PlanFileError

bp = resource_blueprint(
    "Drafts",
    __name__,
    "Plan drafts (administrators): a plan rolled over to a new period is a draft, with its own "
    "number, date and title to write, reaching nobody until it is published.",
)

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


def _draft(draft_id: int) -> PlanDraft:
    drafts.require_admin(api_user())
    return db.session.get(PlanDraft, draft_id) or abort(404)


def _conflict(error: drafts.DraftConflict):
    db.session.rollback()
    api_abort(409, message=error.message)


@bp.get("/drafts")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, DraftPageSchema)
@documented_errors(bp, 401, 403)
def draft_list(page: int, per_page: int):
    """The drafts not yet published, newest first, a page at a time."""
    drafts.require_admin(api_user())
    return paginate(drafts.unpublished_query(), page, per_page)


@bp.get("/drafts/<int(max=2147483647):draft_id>")
@bp.response(200, DraftDetailSchema)
@documented_errors(bp, 401, 403, 404)
def draft(draft_id: int):
    """One draft: its header, the texts flagged for naming the old period, its whole content."""
    return _draft(draft_id)


@bp.post("/drafts")
@bp.arguments(DraftStartSchema)
@bp.response(201, DraftDetailSchema)
@documented_errors(bp, *WRITE_ERRORS)
def start(body: dict):
    """Roll a plan over to a new period: a draft from its file, without the old document's
    number, date and title. No plan and no task exist until it is published. 422 for a
    period starting in the plan's own first year, or a plan whose file is not stored here."""
    drafts.require_admin(api_user())
    plan = get_plan(body["plan"])
    try:
        new = draft_start.start_rollover(api_user(), plan, (body["period_start"], body["period_end"]))
    except PlanFileError as error:
        message = gettext(
            "Cannot import %(file)s: nothing was changed. Correct these problems and upload it again:",
            file=error.source,
        )
        return _refused_file(error, message)
    db.session.commit()
    return new


@bp.patch("/drafts/<int(max=2147483647):draft_id>")
@bp.arguments(DraftHeaderInputSchema)
@bp.response(200, DraftDetailSchema)
@documented_errors(bp, *WRITE_ERRORS)
def edit(body: dict, draft_id: int):
    """Write the new document's number, title, English title and date of issue. 409 once the
    draft is published."""
    found = _draft(draft_id)
    header = found.header
    values = {name: header.get(name) for name in ("code", "title", "title_en")} | {
        "issued_on": date.fromisoformat(header["issued_on"]) if header.get("issued_on") else None
    }
    try:
        drafts.edit_header(api_user(), found, **(values | body))
    except drafts.DraftConflict as error:
        _conflict(error)
    db.session.commit()
    return found


@bp.post("/drafts/<int(max=2147483647):draft_id>/publish")
@bp.response(200, PublishedSchema)
@documented_errors(bp, *WRITE_ERRORS)
def publish(draft_id: int):
    """Publish the draft (send `{}`): the plan and its dated tasks are made, and its focal points see them.
    422 while the number, title or date of issue is missing (each named in `errors`) or a fault
    of the draft is found (listed); 409 when it is published already or a plan has its number
    and period."""
    found = _draft(draft_id)
    try:
        result = draft_publish.publish(api_user(), found)
    except drafts.DraftConflict as error:
        _conflict(error)
    except PlanFileError as error:
        message = gettext("The draft cannot be published yet: nothing was changed. Correct these problems:")
        return _refused_file(error, message)
    db.session.commit()
    created = result.tasks.created if result.tasks else 0
    return {"draft": found, "plan_id": result.plan.id, "tasks_created": created}


def _refused_file(error: PlanFileError, message: str):
    db.session.rollback()
    return error_response(422, message, {"json": {"draft": [str(p) for p in error.problems]}})
