"""Plans, their bodies and responsibilities."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.accounts.access import can_view_responsibility, require, responsibilities_visible_to
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import PageQuerySchema
from gplan.api.schemas import (
    BodyPageSchema,
    BodySchema,
    PlanDetailSchema,
    PlanListSchema,
    ResponsibilityListSchema,
    ResponsibilitySchema,
)
from gplan.collation import name_key
from gplan.extensions import db
from gplan.models import Body, Plan, Responsibility, ResponsibilityBody
from gplan.models.lookup import by_id
from gplan.paging import Page, fetch_page
from gplan.plans import queries as plan_queries

bp = resource_blueprint("Plans", __name__, "Plans, the bodies taking part and their responsibilities.")


def get_plan(plan_id: int) -> Plan:
    return by_id(Plan, plan_id) or abort(404)


@bp.get("/plans")
@bp.response(200, PlanListSchema)
@documented_errors(bp, 401)
def plans():
    """Every plan, the current period first."""
    return {"items": plan_queries.all_plans()}


@bp.get("/plans/<int(max=2147483647):plan_id>")
@bp.response(200, PlanDetailSchema)
@documented_errors(bp, 401, 404)
def plan(plan_id: int):
    """One plan, with its report due days and the bodies taking part."""
    return get_plan(plan_id)


def _responsibility_query():
    return select(Responsibility).options(
        selectinload(Responsibility.body_roles).selectinload(ResponsibilityBody.body),
        selectinload(Responsibility.objectives),
        selectinload(Responsibility.activities),
    )


@bp.get("/plans/<int(max=2147483647):plan_id>/responsibilities")
@bp.response(200, ResponsibilityListSchema)
@documented_errors(bp, 401, 404)
def responsibilities(plan_id: int):
    """The plan's responsibilities (duties cited from the plan, and ad-hoc work) in order.

    A focal point sees the plan's duties and the ad-hoc work given to its own body.
    """
    get_plan(plan_id)
    query = (
        _responsibility_query()
        .where(Responsibility.plan_id == plan_id, responsibilities_visible_to(api_user()))
        .order_by(Responsibility.position)
    )
    return {"items": list(db.session.scalars(query))}


@bp.get("/responsibilities/<int(max=2147483647):responsibility_id>")
@bp.response(200, ResponsibilitySchema)
@documented_errors(bp, 401, 403, 404)
def responsibility(responsibility_id: int):
    """One responsibility, with its assignees, lead and coordinating bodies and schedule.

    Ad-hoc work given to another body is 403 for a focal point.
    """
    found = db.session.scalar(_responsibility_query().where(Responsibility.id == responsibility_id))
    if found is None:
        abort(404)
    require(can_view_responsibility(api_user(), found))
    return found


@bp.get("/bodies")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, BodyPageSchema)
@documented_errors(bp, 401)
def bodies(page: int, per_page: int) -> Page[Body]:
    """Every body (department, district, group of them), groups with their members, by
    jurisdiction then in Vietnamese order, a page at a time."""
    keys = db.session.execute(select(Body.id, Body.jurisdiction, Body.name))
    ids = [row.id for row in sorted(keys, key=lambda r: (r.jurisdiction, name_key(r.name), r.id))]

    def fetch(limit: int, offset: int) -> list[Body]:
        chosen = ids[offset : offset + limit]
        found = {
            b.id: b
            for b in db.session.scalars(
                select(Body).where(Body.id.in_(chosen)).options(selectinload(Body.members))
            )
        }
        return [found[body_id] for body_id in chosen]

    return fetch_page(fetch, page, per_page, len(ids))


@bp.get("/bodies/<int(max=2147483647):body_id>")
@bp.response(200, BodySchema)
@documented_errors(bp, 401, 404)
def body(body_id: int):
    """One body."""
    return by_id(Body, body_id) or abort(404)
