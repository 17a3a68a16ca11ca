"""Who holds the plan's duties: the duties nobody holds yet, and the bodies that are only
requested (đề nghị) to act, whose counts are reported apart from the assigned bodies'."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select

from gplan.extensions import db
from gplan.models import Plan, Responsibility, Task
from gplan.models.tally import TaskTally
from gplan.reporting.overview import BodyRow, Overview
from gplan.reporting.status_counts import StatusCounts

# Built once, run with the plan bound: the overview asks both on every visit.
_UNOWNED = (
    select(Responsibility)
    .where(
        Responsibility.plan_id == bindparam("plan_id"),
        Responsibility.ad_hoc.is_(False),
        ~exists().where(Task.responsibility_id == Responsibility.id),
    )
    .order_by(Responsibility.position)
)
_BODY_DUTY_KINDS = (
    select(TaskTally.body_id, Responsibility.requested)
    .join(Responsibility, Responsibility.id == TaskTally.responsibility_id)
    .where(TaskTally.plan_id == bindparam("plan_id"), TaskTally.tasks > 0)
    .distinct()
)


def unowned_duties(plan: Plan) -> list[Responsibility]:
    """The plan's duties (not ad-hoc work) that give no body a task: a group without members,
    until an admin chooses them."""
    return list(db.session.scalars(_UNOWNED, {"plan_id": plan.id}))


def requested_only_bodies(plan: Plan) -> set[int]:
    """The bodies whose every task belongs to a requested duty (read from the task tally)."""
    rows = db.session.execute(_BODY_DUTY_KINDS, {"plan_id": plan.id}).all()
    requested = {body_id for body_id, is_requested in rows if is_requested}
    return requested - {body_id for body_id, is_requested in rows if not is_requested}


@dataclass
class SplitOverview:
    """The overview's rows in two parts: bodies assigned duties, and bodies only requested to act."""

    assigned: list[BodyRow]
    assigned_total: StatusCounts
    requested: list[BodyRow]
    requested_total: StatusCounts


def split_requested(plan: Plan, overview: Overview, rows: list[BodyRow]) -> SplitOverview:
    """``rows`` (sorted as shown) parted into assigned and requested bodies, each with its total."""
    only_requested = requested_only_bodies(plan)
    split = SplitOverview([], StatusCounts(), [], StatusCounts())
    for row in rows:
        if row.body.id in only_requested:
            split.requested.append(row)
            split.requested_total.merge(row.counts)
        else:
            split.assigned.append(row)
            split.assigned_total.merge(row.counts)
    return split
