"""Queries about plans and the bodies that take part in them."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

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


# Built once, run with the plan bound: the coordinator's overview and the plan's pages ask them
# on every request (see gplan.tasks.statements on why).
_PARTICIPANTS = (
    select(PlanBody, Body)
    .join(Body, Body.id == PlanBody.body_id)
    .where(PlanBody.plan_id == bindparam("plan_id"))
    .order_by(PlanBody.position)
)
_MEMBERS = select(Body).where(Body.parent_id.in_(bindparam("groups", expanding=True))).order_by(Body.name)
_ASSIGNEES = (
    select(ResponsibilityBody.body_id)
    .join(Responsibility)
    .where(Responsibility.plan_id == bindparam("plan_id"), ResponsibilityBody.role == ASSIGNEE)
)

_HOLDING = (
    select(PlanBody.body_id)
    .where(
        PlanBody.plan_id == bindparam("plan_id"),
        PlanBody.body_id.in_(bindparam("candidates", expanding=True)),
        (PlanBody.ref.is_not(None) & (PlanBody.ref != "")) | PlanBody.body_id.in_(_ASSIGNEES),
    )
    .limit(1)
)


def participants(plan: Plan) -> list[PlanBody]:
    """The plan's bodies in the file's order, groups with their members loaded (in two
    statements at most, whatever the number of bodies)."""
    links = []
    for link, body in db.session.execute(_PARTICIPANTS, {"plan_id": plan.id}).tuples():
        set_committed_value(link, "body", body)
        links.append(link)
    groups = {link.body_id: link.body for link in links if link.body.is_group}
    if groups:
        members: dict[int, list[Body]] = {group: [] for group in groups}
        for member in db.session.scalars(_MEMBERS, {"groups": list(groups)}):
            members[member.parent_id or 0].append(member)
        for group_id, group in groups.items():
            set_committed_value(group, "members", members[group_id])
    return links


def task_holding_bodies(plan: Plan) -> list[Body]:
    """Every body that holds tasks in the plan: the implementing bodies (those Section IV
    assigns) and any other assignee, with members standing in for their group."""
    assignee_ids = set(db.session.scalars(_ASSIGNEES, {"plan_id": plan.id}))
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
    return db.session.scalar(_HOLDING, {"plan_id": plan.id, "candidates": candidates}) is not None
