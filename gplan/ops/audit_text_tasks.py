"""The audit log's wording of the entries about tasks: progress, review, deadlines, ad-hoc work."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext

from gplan.models import AuditEntry
from gplan.ops.audit import TASK_SUBMITTED
from gplan.ops.audit_subjects import Wording, as_day
from gplan.tasks.vocabulary import TaskProgress

REASON_SUMMARY = re.compile(r"\((?P<reason>.*)\)$", re.DOTALL)


class TaskWording(Wording):
    def _status_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        task = self.task(entry)
        before, after = TaskProgress.get(details.get("from")), TaskProgress.get(details.get("to"))
        if task is None or after is None:
            return None
        change = f"{before.title} → " if before is not None else ""
        return f"{task}: {change}{after.title}"

    def _reviewed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        """A review step: the progress change, and the reason given for a return or reopening."""
        text = self._status_changed(entry, details)
        note = details.get("note")
        return f"{text} ({note})" if text and note and entry.action != TASK_SUBMITTED else text

    _task_submitted = _submission_accepted = _submission_returned = _task_reopened = _reviewed

    def _deadline_extended(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        task = self.task(entry)
        if task is None or "to" not in details:
            return None
        match = REASON_SUMMARY.search(entry.summary or "")
        reason = details.get("reason") or (match["reason"] if match else "")
        text = f"{task}: {as_day(details.get('from'))} → {as_day(details['to'])}"
        return text + (f" ({reason})" if reason else "")

    def _ad_hoc_task(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        duty = self.subjects.duties.get(entry.subject_id or 0)
        if duty is None:
            return None
        return gettext(
            "%(ref)s for %(body)s, due %(date)s: %(title)s",
            ref=duty.ref,
            body=self.body(details.get("body")),
            date=as_day(details.get("due_on")),
            title=duty.text,
        )
