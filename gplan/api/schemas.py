"""The API's resources as marshmallow schemas (what it answers): the references every answer
shares, plans and their duties, and the envelopes of lists and pages. Tasks are in
:mod:`.task_schemas`, targets and progress in :mod:`.progress_schemas`, reports and drafts in
:mod:`.report_schemas` and :mod:`.draft_schemas`; the OpenAPI document is generated from them and
from :mod:`.inputs`."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from gplan.accounts.vocabulary import Role
from gplan.plans.queries import participants


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


# ---- lists and pages -------------------------------------------------------------------


class PageSchema(ma.Schema):
    page = fields.Integer(metadata={"description": "This page; past the last it holds nothing."})
    per_page = fields.Integer()
    total = fields.Integer(metadata={"description": "How many match, on every page."})
    pages = fields.Integer(metadata={"description": "At least 1: no match is one page holding nothing."})


def listing(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """An ``{"items": [...]}`` envelope, so lists can grow fields without breaking clients."""
    return type(name, (ma.Schema,), {"items": fields.List(fields.Nested(item_schema))})


PlanListSchema = listing(PlanSchema, "PlanListSchema")


class BodyPageSchema(PageSchema):
    items = fields.List(fields.Nested(BodySchema))


ResponsibilityListSchema = listing(ResponsibilitySchema, "ResponsibilityListSchema")
