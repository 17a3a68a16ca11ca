"""Queries about plans and the bodies that take part in them."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.collation import name_key
from gplan.extensions import db
from gplan.models import Body, Plan, PlanBody, Responsibility, ResponsibilityBody
from gplan.models.lookup import by_id
from gplan.models.plan import ASSIGNEE


def all_plans() -> list[Plan]:
    plans = db.session.scalars(select(Plan))
    return sorted(plans, key=lambda plan: (-plan.period_start, name_key(plan.title)))


def default_plan(today: date) -> Plan | None:
    """The plan whose period holds today, else the most recent one."""
    plans = all_plans()
    current = [p for p in plans if p.period_start <= today.year <= p.period_end]
    return (current or plans or [None])[0]  # type: ignore[list-item]


def get_plan_or_404(plan_id: int) -> Plan:
    return by_id(Plan, plan_id) or abort(404)


def participants(plan: Plan) -> list[PlanBody]:
    """The plan's bodies in the file's order, groups with their members loaded."""
    return list(
        db.session.scalars(
            select(PlanBody)
            .where(PlanBody.plan_id == plan.id)
            .options(selectinload(PlanBody.body).selectinload(Body.members))
            .order_by(PlanBody.position)
        )
    )


def task_holding_bodies(plan: Plan) -> list[Body]:
    """Every body that holds tasks in the plan: the implementing bodies (those Section IV
    assigns) and any other assignee, with members standing in for their group."""
    assignee_ids = set(
        db.session.scalars(
            select(ResponsibilityBody.body_id)
            .join(Responsibility)
            .where(Responsibility.plan_id == plan.id, ResponsibilityBody.role == ASSIGNEE)
        )
    )
    result = []
    for link in participants(plan):
        if link.ref or link.body_id in assignee_ids:
            result.extend(link.body.task_holders())
    return list(dict.fromkeys(result))


def bodies_by_key(plan: Plan) -> dict[str, Body]:
    return {
        body.key: body for body in db.session.scalars(select(Body).filter_by(jurisdiction=plan.jurisdiction))
    }


def body_in_plan(plan: Plan, body: Body) -> bool:
    """Whether ``body`` is one of ``task_holding_bodies(plan)``, asked of its own links only
    (itself, or the group it belongs to), not of every participant with its members."""
    candidates = [] if body.is_group else [body.id]
    if body.parent_id is not None and body.parent is not None and body.parent.is_group:
        candidates.append(body.parent_id)
    if not candidates:
        return False
    assigned = (
        select(ResponsibilityBody.body_id)
        .join(Responsibility)
        .where(Responsibility.plan_id == plan.id, ResponsibilityBody.role == ASSIGNEE)
    )
    holding = select(PlanBody.body_id).where(
        PlanBody.plan_id == plan.id,
        PlanBody.body_id.in_(candidates),
        (PlanBody.ref.is_not(None) & (PlanBody.ref != "")) | PlanBody.body_id.in_(assigned),
    )
    return db.session.scalar(holding.limit(1)) is not None
