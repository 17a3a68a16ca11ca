"""Load a checked plan file into the database, updating in place on every re-import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import (
    Activity,
    Body,
    Objective,
    Plan,
    PlanBody,
    Responsibility,
    ResponsibilityBody,
    SolutionGroup,
    Target,
    TargetValue,
)
from gplan.models.plan import ASSIGNEE, COORDINATING, LEAD
from gplan.plans.file import PlanFileError
from gplan.plans.file_messages import Problem
from gplan.plans.provenance import inferences
from gplan.plans.schema import PlanFile, slug
from gplan.tasks.sync import TaskSyncResult, sync_tasks
from gplan.timeutil import utcnow


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    tasks: TaskSyncResult | None = None


def _upsert(model: Any, lookup: dict[str, Any], **values: Any) -> Any:
    """Return the row matching ``lookup`` with ``values`` applied, adding it if missing."""
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _import_bodies(plan_file: PlanFile, jurisdiction: str) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for definition in plan_file.bodies:
        body = _upsert(
            Body,
            {"jurisdiction": jurisdiction, "key": definition.key},
            name=definition.name,
            name_en=definition.name_en,
            short_name=definition.short_name,
            is_group=definition.group,
            is_placeholder=definition.placeholder,
        )
        bodies[definition.key] = body
        for member_def in definition.members:
            member = _upsert(
                Body,
                {"jurisdiction": jurisdiction, "key": member_def.key},
                name=member_def.name,
                name_en=member_def.name_en,
                short_name=member_def.short_name,
                parent=body,
            )
            bodies[member_def.key] = member
    db.session.flush()
    return bodies


def _merged_due_days(plan: Plan, plan_file: PlanFile) -> dict[str, Any]:
    """The file's due days, keeping a date an admin changed and applying GPLAN_DUE_DAYS."""
    overrides = current_app.config.get("DUE_DAYS", {})
    previous = plan.due_days or {}
    merged = {}
    for name, day in plan_file.due_days.items():
        kept = previous.get(name, {})
        custom = kept.get("custom", False)
        date_text = overrides.get(name) or (kept.get("date") if custom else day.default)
        merged[name] = {
            "default": day.default,
            "date": date_text,
            "custom": custom or name in overrides,
            "label": day.label,
            "label_en": day.label_en,
        }
    return merged


def _import_objectives(plan: Plan, plan_file: PlanFile, bodies: dict[str, Body]) -> dict[int, Objective]:
    objectives = {}
    for o in plan_file.objectives:
        objective = _upsert(
            Objective,
            {"plan_id": plan.id, "number": o.number},
            ref=o.ref,
            title=o.title,
            title_en=o.title_en,
        )
        db.session.flush()
        objectives[o.number] = objective
        for t in o.targets:
            owner = bodies[t.owner] if t.owner else None
            target = _upsert(
                Target,
                {"objective_id": objective.id, "number": t.number},
                ref=t.ref,
                text=t.text,
                text_en=t.text_en,
                owner_body=owner,
            )
            db.session.flush()
            for position, v in enumerate(t.values):
                _upsert(
                    TargetValue,
                    {"target_id": target.id, "key": v.key},
                    position=position,
                    label=v.label,
                    label_en=v.label_en,
                    comparator=v.comparator,
                    value=v.value,
                    unit=v.unit,
                    horizon_kind=v.horizon.kind,
                    horizon_label=v.horizon.label,
                    baseline=v.baseline,
                    baseline_year=v.baseline_year,
                )
    return objectives


def _import_activities(plan: Plan, plan_file: PlanFile) -> dict[int, Activity]:
    activities = {}
    for a in plan_file.activities:
        activities[a.number] = _upsert(
            Activity,
            {"plan_id": plan.id, "number": a.number},
            ref=a.ref,
            title=a.title,
            title_en=a.title_en,
            goal=a.goal,
            contents=a.contents,
            lead_keys=a.lead,
            coordinating_keys=a.coordinating,
        )
    for position, g in enumerate(plan_file.solutions):
        objective_id = None
        if g.objective is not None:
            objective_id = db.session.scalar(
                select(Objective.id).filter_by(plan_id=plan.id, number=g.objective)
            )
        _upsert(
            SolutionGroup,
            {"plan_id": plan.id, "key": g.key},
            position=position,
            ref=g.ref,
            title=g.title,
            objective_id=objective_id,
            items=g.items,
        )
    db.session.flush()
    return activities


def _import_responsibilities(
    plan: Any, plan_file: Any, bodies: Any, objectives: Any, activities: Any
) -> None:
    implementing = [bodies[b.key] for b in plan_file.bodies if b.ref]
    for position, r in enumerate(plan_file.responsibilities):
        responsibility = _upsert(
            Responsibility,
            {"plan_id": plan.id, "ref": r.ref},
            paragraph=r.paragraph,
            position=position,
            text=r.text,
            title_en=r.title_en,
            schedule=r.schedule.as_rule(),
            reports_to=r.reports_to,
            requested=r.requested,
        )
        assignees = [b for key in r.assignees for b in (implementing if key == "all" else [bodies[key]])]
        roles = [(ASSIGNEE, b) for b in dict.fromkeys(assignees)]
        roles += [(LEAD, bodies[key]) for key in dict.fromkeys(r.lead)]
        roles += [(COORDINATING, bodies[key]) for key in dict.fromkeys(r.coordinating)]
        responsibility.body_roles = [
            ResponsibilityBody(role=role, body=body, position=index)
            for index, (role, body) in enumerate(roles)
        ]
        responsibility.objectives = [objectives[n] for n in r.objectives]
        responsibility.activities = [activities[n] for n in r.activities]


def _retitled(title: str | None, header: Any, start: int, end: int) -> str | None:
    """A title naming the file's period ("2016-2020") names the imported period instead."""
    if not title:
        return title
    original = (header.period.start, header.period.end)
    for dash in ("-", "–"):
        title = title.replace(f"{original[0]}{dash}{original[1]}", f"{start}{dash}{end}")
    return title


def import_plan(plan_file: PlanFile, source: str, period: tuple[int, int] | None = None) -> ImportResult:
    """Create or update the plan described by ``plan_file`` and generate its dated tasks.

    Re-importing the same file (for the same period) updates every item in place; tasks that
    already carry progress are never deleted or duplicated. The caller commits.
    """
    header = plan_file.plan
    start, end = period or (header.period.start, header.period.end)
    years = end - start + 1
    late = [
        r.ref
        for r in plan_file.responsibilities
        if isinstance(r.schedule.year, int) and r.schedule.year > years
    ]
    if late:
        message = gettext(
            "year is outside the %(n)d-year period %(start)d-%(end)d", n=years, start=start, end=end
        )
        raise PlanFileError(
            source, [Problem(f"responsibilities ({ref}) › schedule", message) for ref in late]
        )
    jurisdiction = header.jurisdiction or slug(header.issuer)
    bodies = _import_bodies(plan_file, jurisdiction)
    existing = db.session.scalar(
        select(Plan).filter_by(code=header.code, jurisdiction=jurisdiction, period_start=start)
    )
    created = existing is None
    plan = existing or Plan(code=header.code, jurisdiction=jurisdiction, period_start=start)
    if created:
        db.session.add(plan)
    plan.period_end = end
    plan.title = _retitled(header.title, header, start, end) or header.title
    plan.title_en = _retitled(header.title_en, header, start, end)
    plan.issuer, plan.issued_on = header.issuer, header.issued_on
    plan.general_objective, plan.general_objective_ref = (
        header.general_objective.text,
        header.general_objective.ref,
    )
    plan.funding = plan_file.funding.text if plan_file.funding else None
    plan.implementation_intro = (
        plan_file.implementation_intro.text if plan_file.implementation_intro else None
    )
    plan.coordinator_body = bodies[header.coordinator]
    plan.due_days = _merged_due_days(plan, plan_file)
    plan.provenance = inferences(plan_file)
    plan.source_name, plan.imported_at = source, utcnow()
    db.session.flush()
    for position, definition in enumerate(plan_file.bodies):
        _upsert(
            PlanBody,
            {"plan_id": plan.id, "body_id": bodies[definition.key].id},
            ref=definition.ref,
            position=position,
            suggested_members=[m.model_dump(exclude_none=True) for m in definition.suggested_members],
        )
    objectives = _import_objectives(plan, plan_file, bodies)
    activities = _import_activities(plan, plan_file)
    _import_responsibilities(plan, plan_file, bodies, objectives, activities)
    db.session.flush()
    result = ImportResult(plan=plan, created=created)
    result.tasks = sync_tasks(plan)
    result.counts = {
        "objectives": len(plan_file.objectives),
        "targets": sum(len(o.targets) for o in plan_file.objectives),
        "target_values": sum(len(t.values) for o in plan_file.objectives for t in o.targets),
        "activities": len(plan_file.activities),
        "responsibilities": len(plan_file.responsibilities),
        "bodies": len(bodies),
    }
    return result
