"""The words of tasks: what a focal point records, the reporting status computed from the dates,
and the kinds of history entry. Each value is written here once, with its label and CSS class.

The CSS classes are tones (``tone-ok``, ``tone-late``, ``tone-progress``, ``tone-overdue``,
``tone-idle``, ``tone-review``, ``tone-returned``, styled in static/css), so a new status takes a
colour without new CSS.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from gplan.vocabulary import RichStrEnum


class TaskProgress(RichStrEnum):
    """What the focal point records (``Task.progress``)."""

    NOT_STARTED = "not_started", _l("Not yet started"), "tone-idle"
    IN_PROGRESS = "in_progress", _l("In progress"), "tone-progress"
    # With review on (``Plan.review_required``): sent to the coordinator, and sent back by them.
    # DONE is then reached only when the coordinator accepts the submission.
    SUBMITTED = "submitted", _l("Submitted, awaiting review"), "tone-review"
    RETURNED = "returned", _l("Returned"), "tone-returned"
    DONE = "done", _l("Done"), "tone-ok"
    # Set only by retiring its body (gplan.plans.retire), with the date and the reason on the
    # task: no longer expected of anyone, never reminded, never changed again.
    CLOSED = "closed", _l("Closed"), "tone-idle"

    @property
    def action(self) -> Any:
        """The label of the choice that moves a task to this progress."""
        return _PROGRESS_ACTIONS[self]


_PROGRESS_ACTIONS = {
    TaskProgress.NOT_STARTED: _l("Back to not started"),
    TaskProgress.IN_PROGRESS: _l("Mark in progress"),
    TaskProgress.SUBMITTED: _l("Submit for review"),
    TaskProgress.RETURNED: _l("Return"),
    TaskProgress.DONE: _l("Mark done"),
    TaskProgress.CLOSED: _l("Close"),
}


class TaskStatus(RichStrEnum):
    """The official reporting category on a day, computed from the dates by
    ``Task.status_on`` and its SQL twin ``status_expression`` (gplan.models.task)."""

    DONE_ON_TIME = "done_on_time", _l("Done on time"), "tone-ok"
    DONE_LATE = "done_late", _l("Done late"), "tone-late"
    SUBMITTED = "submitted", _l("Submitted, awaiting review"), "tone-review"
    RETURNED = "returned", _l("Returned"), "tone-returned"
    IN_PROGRESS = "in_progress", _l("In progress, within deadline"), "tone-progress"
    OVERDUE = "overdue", _l("Overdue"), "tone-overdue"
    NOT_STARTED = "not_started", _l("Not yet started"), "tone-idle"
    # Closed when its body was retired, told apart by the day it was closed (``closed_on``)
    # against its deadline. Before it fell due: no longer expected, left out of completion.
    CLOSED = "closed", _l("Closed within its deadline"), "tone-idle"
    # After its deadline: it was overdue then and was never done, and stays so in history:
    # counted in completion as not done, though never overdue-listed, reminded or changed.
    CLOSED_LATE = "closed_late", _l("Closed when overdue"), "tone-overdue"

    @property
    def is_done(self) -> bool:
        """Counted as done in completion shares."""
        return self in _DONE_STATUSES


_DONE_STATUSES = frozenset({TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE})


class TaskEventKind(RichStrEnum):
    """The kinds of entry in a task's history (``TaskEvent.kind``); templates/history/_events.html
    renders each, and any other kind by its label and note."""

    PROGRESS = "progress", _l("Progress recorded")
    EXTENSION = "extension", _l("Deadline extended")
    ASSIGNED = "assigned", _l("Task assigned")
    MOVED = "moved", _l("Moved from a retired body")
    SUBMITTED = "submitted", _l("Submitted for review")
    RETURNED = "returned", _l("Submission returned")
    ACCEPTED = "accepted", _l("Submission accepted")
    REOPENED = "reopened", _l("Reopened")
    EXTENSION_REQUESTED = "extension_requested", _l("Extension requested")
    EXTENSION_REFUSED = "extension_refused", _l("Extension refused")
    CLOSED = "closed", _l("Closed: its body was retired")


class SubmissionState(RichStrEnum):
    """Where one submission stands (``TaskSubmission.state``)."""

    WAITING = "waiting", _l("Awaiting review"), "tone-review"
    RETURNED = "returned", _l("Returned"), "tone-returned"
    ACCEPTED = "accepted", _l("Accepted"), "tone-ok"


class ExtensionState(RichStrEnum):
    """Where a focal point's request for a later deadline stands (``ExtensionRequest.state``)."""

    PENDING = "pending", _l("Awaiting decision"), "tone-progress"
    APPROVED = "approved", _l("Approved"), "tone-ok"
    REFUSED = "refused", _l("Refused"), "tone-overdue"
