"""Plan drafts in the API: what it answers about a draft and what it accepts to start or edit one
(the admin pages' forms, gplan/blueprints/admin/draft_forms.py, as JSON)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext
from marshmallow import fields, validate

from gplan.api.inputs import ID_RANGE, YEAR_RANGE, Strict, StrictInteger, Text
from gplan.api.schemas import PageSchema
from gplan.plans.draft_texts import flagged_texts


class FlaggedTextSchema(ma.Schema):
    path = fields.String(metadata={"description": "The text's place in the draft's content, dotted."})
    where = fields.String(metadata={"description": "The same, for people."})
    text = fields.String()
    years = fields.List(fields.Integer(), metadata={"description": "The old period's years it names."})


class DraftHeaderSchema(ma.Schema):
    code = fields.String(allow_none=True, metadata={"description": "The new document's number."})
    title = fields.String(allow_none=True)
    title_en = fields.String(allow_none=True)
    issued_on = fields.String(allow_none=True, metadata={"description": "Date of issue, YYYY-MM-DD."})


class DraftSchema(ma.Schema):
    id = fields.Integer()
    period_start = fields.Integer()
    period_end = fields.Integer()
    old_period_start = fields.Integer(allow_none=True, metadata={"description": "The period rolled over."})
    old_period_end = fields.Integer(allow_none=True)
    source_plan_id = fields.Integer(allow_none=True, metadata={"description": "The plan rolled over."})
    header = fields.Nested(DraftHeaderSchema)
    flagged = fields.Method(
        "_flagged",
        metadata={"description": "Texts naming a year of the old period, to edit before publishing."},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    published_plan_id = fields.Integer(allow_none=True)

    def _flagged(self, draft) -> list[dict]:
        return FlaggedTextSchema(many=True).dump(flagged_texts(draft))


class DraftDetailSchema(DraftSchema):
    content = fields.Dict(metadata={"description": "The draft as a plan file's data (docs/plan-format.md)."})


class DraftPageSchema(PageSchema):
    items = fields.List(fields.Nested(DraftSchema))


class DraftStartSchema(Strict):
    plan = StrictInteger(required=True, validate=ID_RANGE, metadata={"description": "The plan to roll over."})
    period_start = StrictInteger(required=True, validate=YEAR_RANGE)
    period_end = StrictInteger(required=True, validate=YEAR_RANGE)

    @ma.validates_schema
    def _forward(self, data, **_kwargs):
        if data["period_end"] < data["period_start"]:
            raise ma.ValidationError(gettext("The last year is before the first."), "period_end")


class DraftHeaderInputSchema(Strict):
    """Fields left out keep their value; null or "" empties one (it is needed to publish)."""

    code = Text(allow_none=True, metadata={"description": "The new document's number."})
    title = Text(allow_none=True, validate=validate.Length(max=500))
    title_en = Text(allow_none=True, validate=validate.Length(max=500))
    issued_on = fields.Date(allow_none=True)


class PublishedSchema(ma.Schema):
    draft = fields.Nested(DraftSchema)
    plan_id = fields.Integer()
    tasks_created = fields.Integer()
