"""The audit log's details in the reader's language.

Each entry keeps a plain summary written when it was recorded (for the CSV and for entries
of any age); the log page instead words each entry again from its action, its details and its
subject — a task, a user, a plan, a body — so that "done → not_started" reads "Hoàn thành →
Chưa bắt đầu" in Vietnamese. The subjects of a page are read in a few queries, not one per entry.
"""

from __future__ import annotations

from gplan.models import AuditEntry
from gplan.ops.audit_subjects import load_subjects
from gplan.ops.audit_text_bodies import BodyWording
from gplan.ops.audit_text_plans import PlanWording
from gplan.ops.audit_text_tasks import TaskWording


class Describer(TaskWording, PlanWording, BodyWording):
    """Words one entry in the current language: by its action's ``_<action>`` method, else its
    summary."""

    def describe(self, entry: AuditEntry) -> str:
        details = entry.details if isinstance(entry.details, dict) else {}
        method = getattr(self, f"_{entry.action}", None)
        text = method(entry, details) if method else None
        return text or entry.summary


def describe_entries(entries: list[AuditEntry]) -> dict[int, str]:
    """Each entry's details in the current language, by entry id."""
    describer = Describer(load_subjects(entries))
    return {entry.id: describer.describe(entry) for entry in entries}
