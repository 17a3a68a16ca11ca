"""The API's answers about reports: a body's report for a year and the province's report
(:mod:`gplan.reporting.body_reports`, :mod:`gplan.reporting.province_report`)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from gplan.api.progress_schemas import ObjectiveRefSchema
from gplan.api.schemas import BodyRefSchema
from gplan.reporting.vocabulary import BodyReportStatus, ProvinceReportKind, TargetStatus
from gplan.reporting.word_report import target_text
from gplan.tasks.vocabulary import TaskStatus


class ReportTaskSchema(ma.Schema):
    """A task as the body's report shows it (``reporting.body_reports.TaskEntry``)."""

    task_id = fields.Function(lambda e: e.task.id, metadata={"type": "integer"})
    ref = fields.Function(lambda e: e.task.responsibility.ref, metadata={"type": "string"})
    text = fields.Function(lambda e: e.task.responsibility.text, metadata={"type": "string"})
    status = fields.String(metadata={"enum": TaskStatus.values()})
    note = fields.String(allow_none=True)
    evidence_url = fields.String(allow_none=True)
    evidence_name = fields.String(allow_none=True)
    done_on = fields.Date(allow_none=True)


class ReportSectionSchema(ma.Schema):
    key = fields.String(
        metadata={
            "description": "Where its narrative goes: the objective's ref, or `other` (tasks under "
            "no objective)."
        }
    )
    objective = fields.Nested(lambda: ObjectiveRefSchema(), allow_none=True)
    narrative = fields.String(metadata={"description": "What the body wrote about this objective."})
    tasks = fields.List(fields.Nested(ReportTaskSchema), attribute="entries")


class BodyReportSchema(ma.Schema):
    id = fields.Function(
        lambda r: r.record.id if r.record else None, metadata={"type": "integer"}, allow_none=True
    )
    plan_id = fields.Function(lambda r: r.plan.id, metadata={"type": "integer"})
    body = fields.Nested(BodyRefSchema)
    year = fields.Integer()
    status = fields.String(metadata={"enum": BodyReportStatus.values()})
    reason = fields.Function(
        lambda r: r.record.reason if r.record and r.status == BodyReportStatus.RETURNED else None,
        metadata={"type": "string", "description": "Why it was returned or reopened."},
        allow_none=True,
    )
    submitted_at = fields.Function(
        lambda r: r.record and r.record.submitted_at,
        metadata={"type": "string", "format": "date-time"},
        allow_none=True,
    )
    decided_at = fields.Function(
        lambda r: r.record and r.record.decided_at,
        metadata={"type": "string", "format": "date-time"},
        allow_none=True,
    )
    version = fields.Integer(metadata={"description": "Send it back with a change (0: never saved)."})
    counts = fields.Function(
        lambda r: dict(r.counts.items()) | {"total": r.counts.total}, metadata={"type": "object"}
    )
    sections = fields.List(fields.Nested(ReportSectionSchema))


class ProvinceTargetSchema(ma.Schema):
    label = fields.Function(lambda line: line.row.value.label, metadata={"type": "string"})
    goal = fields.Function(lambda line: target_text(line)[0], metadata={"type": "string"})
    result = fields.Function(lambda line: target_text(line)[1], metadata={"type": "string"})
    status = fields.Function(
        lambda line: line.assessment.status.value, metadata={"type": "string", "enum": TargetStatus.values()}
    )


class ProvinceNarrativeSchema(ma.Schema):
    body = fields.Function(lambda pair: BodyRefSchema().dump(pair[0]), metadata={"type": "object"})
    text = fields.Function(lambda pair: pair[1], metadata={"type": "string"})


class ProvinceObjectiveSchema(ma.Schema):
    objective = fields.Nested(lambda: ObjectiveRefSchema())
    targets = fields.List(fields.Nested(ProvinceTargetSchema))
    narratives = fields.List(
        fields.Nested(ProvinceNarrativeSchema), metadata={"description": "From accepted body reports."}
    )


class ProvinceReportSchema(ma.Schema):
    plan_id = fields.Function(lambda r: r.plan.id, metadata={"type": "integer"})
    kind = fields.String(metadata={"enum": ProvinceReportKind.values()})
    year = fields.Integer()
    first_year = fields.Integer(metadata={"description": "The first year the report looks back on."})
    number = fields.Function(lambda r: r.settings.number, metadata={"type": "string"}, allow_none=True)
    issued_on = fields.Function(
        lambda r: r.settings.issued_on, metadata={"type": "string", "format": "date"}, allow_none=True
    )
    signer_name = fields.Function(
        lambda r: r.settings.signer_name, metadata={"type": "string"}, allow_none=True
    )
    results = fields.String(attribute="results_text")
    shortcomings = fields.Function(
        lambda r: r.settings.shortcomings, metadata={"type": "string"}, allow_none=True
    )
    directions = fields.Function(
        lambda r: r.settings.directions, metadata={"type": "string"}, allow_none=True
    )
    recipients = fields.Function(
        lambda r: r.settings.recipients, metadata={"type": "string"}, allow_none=True
    )
    accepted_bodies = fields.Function(
        lambda r: [BodyRefSchema().dump(x.body) for x in r.accepted], metadata={"type": "array"}
    )
    objectives = fields.List(fields.Nested(ProvinceObjectiveSchema))
