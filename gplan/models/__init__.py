"""The models, one module per aggregate; importing this package registers them all."""

from gplan.models.actual import TargetActual, TargetActualRevision
from gplan.models.api_token import ApiToken
from gplan.models.audit import AuditEntry
from gplan.models.body import Body
from gplan.models.body_report import BodyReport, ProvinceReport
from gplan.models.draft import PlanDraft
from gplan.models.outbox import MailMessage
from gplan.models.plan import Plan, PlanBody, Responsibility, ResponsibilityBody
from gplan.models.plan_sections import Activity, Objective, SolutionGroup, Target, TargetValue
from gplan.models.plan_upload import PlanUpload
from gplan.models.reminder import (
    CalendarFeed,
    Nudge,
    Reminder,
    ReminderOptOut,
    ReminderPolicy,
    ReminderRun,
    SchedulerLease,
)
from gplan.models.request import ExtensionRequest, TaskComment
from gplan.models.search_index import SOURCES as SEARCH_SOURCES  # noqa: F401  (registers its DDL)
from gplan.models.tally import TaskBodyTally, TaskTally
from gplan.models.task import Task, TaskEvent, TaskSubmission
from gplan.models.user import User

__all__ = [
    "Activity",
    "ApiToken",
    "AuditEntry",
    "Body",
    "BodyReport",
    "CalendarFeed",
    "ExtensionRequest",
    "MailMessage",
    "Nudge",
    "Objective",
    "Plan",
    "PlanBody",
    "PlanDraft",
    "PlanUpload",
    "ProvinceReport",
    "Reminder",
    "ReminderOptOut",
    "ReminderPolicy",
    "ReminderRun",
    "Responsibility",
    "ResponsibilityBody",
    "SchedulerLease",
    "SolutionGroup",
    "Target",
    "TargetActual",
    "TargetActualRevision",
    "TargetValue",
    "Task",
    "TaskBodyTally",
    "TaskComment",
    "TaskEvent",
    "TaskSubmission",
    "TaskTally",
    "User",
]
