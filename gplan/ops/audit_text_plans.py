"""The audit log's wording of the entries about plans: imports, due days, review settings and
the edits of a plan draft."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, ngettext

from gplan.models import AuditEntry
from gplan.ops.audit_subjects import Wording

IMPORTED_SUMMARY = re.compile(r"^.* \((?P<how>new|updated)\) from (?P<file>.*)$")
REJECTED_SUMMARY = re.compile(r"^(?P<file>.*): \d+ problem\(s\)$")


class PlanWording(Wording):
    def _review_settings_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        plan = self.subjects.plans.get(entry.subject_id or 0)
        after = details.get("after")
        if plan is None or not isinstance(after, dict):
            return None
        days = int(after.get("review_wait_days") or 0)
        if after.get("review_required"):
            return gettext("%(plan)s: review on, %(days)d working days", plan=plan.code, days=days)
        return gettext("%(plan)s: review off", plan=plan.code)

    def _plan_imported(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        plan = self.subjects.plans.get(entry.subject_id or 0)
        match = IMPORTED_SUMMARY.match(entry.summary or "")
        filename = details.get("file") or (match["file"] if match else None)
        created = details.get("created") if "created" in details else (match and match["how"] == "new")
        if plan is None or filename is None:
            return None
        name = f"{plan.code} {plan.period_label}"
        if created:
            return gettext("%(plan)s: new plan, from %(file)s", plan=name, file=filename)
        return gettext("%(plan)s: updated from %(file)s", plan=name, file=filename)

    def _import_rejected(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        match = REJECTED_SUMMARY.match(entry.summary or "")
        filename = details.get("file") or (match["file"] if match else None)
        problems = details.get("problems")
        if filename is None or not isinstance(problems, list):
            return None
        count = details.get("count", len(problems))
        return ngettext("%(file)s: %(num)d problem", "%(file)s: %(num)d problems", count, file=filename)

    def _due_days_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        plan = self.subjects.plans.get(entry.subject_id or 0)
        changes = details.get("changes")
        if plan is None or not isinstance(changes, dict):
            return None
        days = plan.due_days or {}

        def label(name: str) -> str:
            day = days.get(name) or {}
            return (day.get("label_en") if self.locale == "en" else None) or day.get("label") or name

        parts = [f"{label(name)} {old} → {new}" for name, (old, new) in changes.items()]
        return f"{plan.code} {plan.period_label}: " + ", ".join(parts)

    def _draft_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        """An edit of a plan draft: which of its header fields or of a duty's parts changed."""
        labels = _draft_labels()
        header, duty = details.get("plan"), details.get("duty")
        if isinstance(header, dict) and set(header) <= set(labels):
            return gettext("Draft header: %(fields)s", fields=", ".join(labels[n] for n in header))
        changes = details.get("changes")
        if isinstance(duty, str) and isinstance(changes, dict) and set(changes) <= set(labels):
            return f"{duty}: " + ", ".join(labels[name] for name in changes)
        target = details.get("target")
        if isinstance(target, str) and isinstance(changes, dict):
            if "owner" in changes:
                body = self.body(changes["owner"][1])
                text = gettext("Target %(ref)s: figure reported by %(body)s", ref=target, body=body)
            else:
                text = gettext("Target %(ref)s: owner confirmed", ref=target)
            return text + (" (" + gettext("no longer inferred") + ")" if "basis" in changes else "")
        return None


def _draft_labels() -> dict[str, str]:
    return {
        "code": gettext("Number"),
        "title": gettext("Title"),
        "title_en": gettext("Title in English"),
        "issued_on": gettext("Date of issue"),
        "text": gettext("Text"),
        "assignees": gettext("Bodies that get the tasks"),
        "lead": gettext("Lead"),
        "coordinating": gettext("Coordinating"),
        "schedule": gettext("Schedule"),
    }
