"""The models, one module per aggregate; importing this package registers them all."""

from .actual import TargetActual, TargetActualRevision
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
    "Body",
    "CalendarFeed",
    "MailMessage",
    "Nudge",
    "Objective",
    "Plan",
    "PlanBody",
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
