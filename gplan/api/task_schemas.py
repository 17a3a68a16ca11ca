"""What the API answers about tasks: a task, its history and its submissions for review, the
extension requests asked on it and the comments on its thread."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from gplan.api.schemas import BodyRefSchema, PageSchema, UserRefSchema, listing
from gplan.tasks.vocabulary import ExtensionState, SubmissionState, TaskEventKind, TaskProgress, TaskStatus
from gplan.timeutil import local_today

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
