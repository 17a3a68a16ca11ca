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
from .task import Task, TaskEvent
from .user import User

__all__ = [
    "Activity",
    "Body",
    "MailMessage",
    "Objective",
    "Plan",
    "PlanBody",
    "Responsibility",
    "ResponsibilityBody",
    "SolutionGroup",
    "Target",
    "TargetActual",
    "TargetActualRevision",
    "TargetValue",
    "Task",
    "TaskEvent",
    "User",
]
