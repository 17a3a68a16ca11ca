"""The models, one module per aggregate; importing this package registers them all."""

from .actual import TargetActual, TargetActualRevision
from .api_token import ApiToken
from .audit import AuditEntry
from .body import Body
from .outbox import MailMessage
from .plan import (
    Activity,
    Objective,
    Plan,
    PlanBody,
    Responsibility,
    ResponsibilityBody,
    SolutionGroup,
    Target,
    TargetValue,
)
from .plan_upload import PlanUpload
from .reminder import (
    CalendarFeed,
    Nudge,
    Reminder,
    ReminderOptOut,
    ReminderPolicy,
    ReminderRun,
    SchedulerLease,
)
from .task import Task, TaskEvent
from .user import User

__all__ = [
    "Activity",
    "ApiToken",
    "AuditEntry",
    "Body",
    "CalendarFeed",
    "MailMessage",
    "Nudge",
    "Objective",
    "Plan",
    "PlanBody",
    "PlanUpload",
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
    "TaskEvent",
    "User",
]
