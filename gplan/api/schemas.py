"""The API's resources as marshmallow schemas (what it answers); the OpenAPI document is generated
from them and from :mod:`.inputs`."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from gplan.accounts.vocabulary import Role
from gplan.plans.queries import participants
from gplan.reporting.vocabulary import Comparator, Horizon
from gplan.tasks.vocabulary import ExtensionState, SubmissionState, TaskEventKind, TaskProgress, TaskStatus
from gplan.timeutil import local_today


class Computed(fields.List):
    """A read-only list computed from the object, documented by its item field."""

    def __init__(self, inner, getter, **kwargs):
        super().__init__(inner, dump_only=True, **kwargs)
        self.getter = getter

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return self.getter(obj)


# ---- references -------------------------------------------------------------------------


class BodyRefSchema(ma.Schema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    short_name = fields.String(allow_none=True)
    is_group = fields.Boolean()
    parent_id = fields.Integer(allow_none=True, metadata={"description": "The group this body belongs to."})


class BodySchema(BodyRefSchema):
    members = fields.List(fields.Nested(BodyRefSchema), metadata={"description": "Member units of a group."})


class UserRefSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()


class MeSchema(UserRefSchema):
    email = fields.String()
    role = fields.String(metadata={"enum": Role.values()})
    body = fields.Nested(BodyRefSchema, allow_none=True)
    locale = fields.String()
    authenticated_by = fields.String(metadata={"enum": ["token", "session"]})
    csrf_token = fields.String(
        allow_none=True, metadata={"description": "For browser-session writes: send it as X-CSRFToken."}
    )


# ---- plans ------------------------------------------------------------------------------


class DueDaySchema(ma.Schema):
    name = fields.String()
    label = fields.String()
    label_en = fields.String(allow_none=True)
    default = fields.String(metadata={"description": "MM-DD given by the plan file."})
    date = fields.String(metadata={"description": "MM-DD in force."})
    custom = fields.Boolean(metadata={"description": "Changed from the file's default."})


class PlanSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    jurisdiction = fields.String()
    title = fields.String()
    title_en = fields.String(allow_none=True)
    issuer = fields.String()
    issued_on = fields.Date(allow_none=True)
    period_start = fields.Integer()
    period_end = fields.Integer()
    coordinator_body = fields.Nested(BodyRefSchema, allow_none=True)
    imported_at = fields.DateTime(allow_none=True)


class ParticipantSchema(ma.Schema):
    ref = fields.String(allow_none=True, metadata={"description": "The Section IV paragraph assigning it."})
    body = fields.Nested(BodySchema)


class PlanDetailSchema(PlanSchema):
    general_objective = fields.String()
    due_days = Computed(fields.Nested(DueDaySchema), lambda plan: due_day_rows(plan))
    bodies = Computed(fields.Nested(ParticipantSchema), lambda plan: participants(plan))


def due_day_rows(plan) -> list[dict]:
    return [
        {
            "name": name,
            "label": day.get("label", name),
            "label_en": day.get("label_en"),
            "default": day.get("default", ""),
            "date": day.get("date", ""),
            "custom": bool(day.get("custom")),
        }
        for name, day in (plan.due_days or {}).items()
    ]


class ResponsibilitySchema(ma.Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    ref = fields.String()
    paragraph = fields.String()
    text = fields.String()
    title_en = fields.String(allow_none=True)
    ad_hoc = fields.Boolean(metadata={"description": "Extra work assigned by the coordinator."})
    schedule = fields.Dict(metadata={"description": "The rule that dates its tasks."})
    assignees = fields.List(fields.Nested(BodyRefSchema))
    leads = fields.List(fields.Nested(BodyRefSchema))
    coordinating = fields.List(fields.Nested(BodyRefSchema))
    objectives = Computed(fields.Integer(), lambda r: [o.number for o in r.objectives])
    activities = Computed(fields.Integer(), lambda r: [a.number for a in r.activities])


# ---- tasks ------------------------------------------------------------------------------


class ResponsibilityRefSchema(ma.Schema):
    id = fields.Integer()
    ref = fields.String()
    text = fields.String()
    ad_hoc = fields.Boolean()


class TaskSchema(ma.Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    responsibility = fields.Nested(ResponsibilityRefSchema)
    body = fields.Nested(BodyRefSchema)
    occurrence = fields.String()
    year = fields.Integer()
    starts_on = fields.Date(allow_none=True, metadata={"description": "Start of a window task."})
    ends_on = fields.Date(allow_none=True, metadata={"description": "End of a window task."})
    due_on = fields.Date(metadata={"description": "The original due date."})
    extended_due_on = fields.Date(allow_none=True)
    deadline = fields.Date(
        metadata={"description": "The due date after any extension; on time is measured by it."}
    )
    progress = fields.String(metadata={"enum": TaskProgress.values()})
    status = fields.Function(
        lambda task: task.status_on(local_today()),
        metadata={"type": "string", "enum": TaskStatus.values(), "description": "Reporting status today."},
    )
    completed_on = fields.Date(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    evidence_url = fields.String(allow_none=True)
    evidence_name = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back with a change to detect conflicts."})
    closed_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "Closed (progress closed) from this day: its body was retired. Status "
            "closed if that was no later than the deadline, else closed_late (counted as not done)."
        },
    )
    closed_reason = fields.String(allow_none=True, metadata={"description": "Why it was closed."})
    closed_as_duplicate = fields.Boolean(
        metadata={"description": "Closed because the retired body's successor had the same task already."}
    )


class PageSchema(ma.Schema):
    page = fields.Integer(metadata={"description": "This page; past the last it holds nothing."})
    per_page = fields.Integer()
    total = fields.Integer(metadata={"description": "How many match, on every page."})
    pages = fields.Integer(metadata={"description": "At least 1: no match is one page holding nothing."})


class TaskPageSchema(PageSchema):
    items = fields.List(fields.Nested(TaskSchema))


class TaskEventSchema(ma.Schema):
    id = fields.Integer()
    at = fields.DateTime()
    kind = fields.String(metadata={"enum": TaskEventKind.values()})
    user = fields.Nested(UserRefSchema, allow_none=True)
    from_progress = fields.String(allow_none=True)
    to_progress = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True)


class TaskHistorySchema(ma.Schema):
    items = fields.List(fields.Nested(TaskEventSchema))


class SubmissionFigureSchema(ma.Schema):
    target_value = fields.Integer(attribute="target_value_id")
    value = fields.String(metadata={"description": "As a plain decimal, e.g. 112.5."})


class SubmissionSchema(ma.Schema):
    id = fields.Integer()
    task_id = fields.Integer()
    state = fields.String(metadata={"enum": SubmissionState.values()})
    submitted_by = fields.Nested(UserRefSchema, allow_none=True)
    submitted_at = fields.DateTime()
    submitted_on = fields.Date(metadata={"description": "On time is measured by it once accepted."})
    narrative = fields.String()
    evidence_url = fields.String(allow_none=True)
    evidence_name = fields.String(allow_none=True)
    figures = fields.List(fields.Nested(SubmissionFigureSchema), allow_none=True)
    decided_by = fields.Nested(UserRefSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "Why it was returned."})


class SubmissionListSchema(ma.Schema):
    items = fields.List(fields.Nested(SubmissionSchema))


# ---- targets ----------------------------------------------------------------------------


class ActualSchema(ma.Schema):
    year = fields.Integer()
    value = fields.Float(allow_none=True)
    value_women = fields.Float(allow_none=True)
    value_men = fields.Float(allow_none=True)
    source = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    entered_at = fields.DateTime()
    entered_by = fields.Nested(UserRefSchema, allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back with a correction to detect conflicts."})


class TargetValueSchema(ma.Schema):
    id = fields.Integer()
    key = fields.String()
    label = fields.String()
    label_en = fields.String(allow_none=True)
    comparator = fields.String(metadata={"enum": Comparator.values()})
    value = fields.Float()
    unit = fields.String()
    horizon_kind = fields.String(metadata={"enum": Horizon.values()})
    horizon_label = fields.String(allow_none=True)
    baseline = fields.Float(allow_none=True)
    baseline_year = fields.Integer(allow_none=True)
    actuals = fields.List(fields.Nested(ActualSchema), metadata={"description": "Figures by year."})


class ObjectiveRefSchema(ma.Schema):
    id = fields.Integer()
    number = fields.Integer()
    ref = fields.String()
    title = fields.String()


class TargetSchema(ma.Schema):
    id = fields.Integer()
    objective = fields.Nested(ObjectiveRefSchema)
    number = fields.Integer()
    ref = fields.String()
    text = fields.String()
    text_en = fields.String(allow_none=True)
    owner_body = fields.Nested(BodyRefSchema, allow_none=True)
    values = fields.List(fields.Nested(TargetValueSchema))


# ---- progress summaries -----------------------------------------------------------------


CountsSchema = ma.Schema.from_dict(
    {**{status.value: fields.Integer() for status in TaskStatus}, "total": fields.Integer()},
    name="CountsSchema",
)


class BodyProgressSchema(ma.Schema):
    body = fields.Nested(BodyRefSchema)
    counts = fields.Nested(CountsSchema)


class YearProgressSchema(ma.Schema):
    year = fields.Integer()
    counts = fields.Nested(CountsSchema)


class ProgressByBodySchema(ma.Schema):
    plan_id = fields.Integer()
    as_of = fields.Date(metadata={"description": "Statuses are those of this day (today)."})
    year = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(BodyProgressSchema))
    total = fields.Nested(CountsSchema)


class ProgressByYearSchema(ma.Schema):
    plan_id = fields.Integer()
    as_of = fields.Date()
    items = fields.List(fields.Nested(YearProgressSchema))
    total = fields.Nested(CountsSchema)


def listing(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """An ``{"items": [...]}`` envelope, so lists can grow fields without breaking clients."""
    return type(name, (ma.Schema,), {"items": fields.List(fields.Nested(item_schema))})


PlanListSchema = listing(PlanSchema, "PlanListSchema")


class BodyPageSchema(PageSchema):
    items = fields.List(fields.Nested(BodySchema))


ResponsibilityListSchema = listing(ResponsibilitySchema, "ResponsibilityListSchema")
TargetListSchema = listing(TargetSchema, "TargetListSchema")


# ---- extension requests and comments ----------------------------------------------------


class ExtensionRequestSchema(ma.Schema):
    id = fields.Integer()
    task_id = fields.Integer()
    state = fields.String(metadata={"enum": ExtensionState.values()})
    asked_by = fields.Nested(UserRefSchema, allow_none=True)
    asked_at = fields.DateTime()
    deadline_then = fields.Date(metadata={"description": "The task's deadline when it was asked."})
    asked_for = fields.Date()
    reason = fields.String()
    decided_by = fields.Nested(UserRefSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    granted_on = fields.Date(allow_none=True, metadata={"description": "The deadline approved."})
    decision_note = fields.String(allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back with a decision to detect conflicts."})


class ExtensionRequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(ExtensionRequestSchema))


class CommentSchema(ma.Schema):
    id = fields.Integer()
    task_id = fields.Integer()
    author = fields.Nested(UserRefSchema, allow_none=True)
    at = fields.DateTime()
    text = fields.String()


ExtensionRequestListSchema = listing(ExtensionRequestSchema, "ExtensionRequestListSchema")
CommentListSchema = listing(CommentSchema, "CommentListSchema")
