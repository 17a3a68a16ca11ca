"""What the API answers about a plan's progress: its targets with the figures entered by year,
and its tasks counted by status for each body and each year."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from gplan.api.schemas import BodyRefSchema, UserRefSchema, listing
from gplan.reporting.vocabulary import Comparator, Horizon
from gplan.tasks.vocabulary import TaskStatus

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


TargetListSchema = listing(TargetSchema, "TargetListSchema")


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
