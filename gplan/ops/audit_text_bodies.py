"""The audit log's wording of the entries about bodies and the people who work for them: a body's
names changed, a member unit added, a body retired, an account made or its role changed."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, ngettext

from gplan.accounts.vocabulary import Role
from gplan.models import AuditEntry
from gplan.ops.audit_subjects import Wording, as_day

CREATED_SUMMARY = re.compile(r"^(?P<email>.*) \((?P<role>\w+)\)$")


def _field_labels() -> dict[str, str]:
    return {
        "name": gettext("Name"),
        "name_en": gettext("Name in English"),
        "short_name": gettext("Short name"),
        "contact_email": gettext("Contact email"),
    }


class BodyWording(Wording):
    def _body_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        body = self.subjects.bodies.get(entry.subject_id or 0)
        labels = _field_labels()
        if body is None or not details or not set(details) <= set(labels):
            return None
        parts = [f"{labels[name]}: “{old or '—'}” → “{new or '—'}”" for name, (old, new) in details.items()]
        return f"{body.display_name(self.locale)} — " + "; ".join(parts)

    def _member_added(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        member = self.subjects.bodies.get(entry.subject_id or 0)
        if member is None or not details.get("group"):
            return None
        return ngettext(
            "%(member)s joins %(group)s (%(num)d task created)",
            "%(member)s joins %(group)s (%(num)d tasks created)",
            details.get("tasks_created", 0),
            member=member.display_name(self.locale),
            group=self.body(details["group"]),
        )

    def _body_retired(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        body = self.subjects.bodies.get(entry.subject_id or 0)
        if body is None or "on" not in details:
            return None
        closed = details.get("closed")
        words = {
            "body": body.display_name(self.locale),
            "date": as_day(details["on"]),
            "moved": int(details.get("moved") or 0),
            "closed": len(closed) if isinstance(closed, list) else 0,
        }
        if details.get("successor"):
            text = gettext(
                "%(body)s retired from %(date)s: %(moved)d open tasks moved to %(successor)s, "
                "%(closed)d closed",
                successor=self.body(details["successor"]),
                **words,
            )
        else:
            text = gettext("%(body)s retired from %(date)s: %(closed)d open tasks closed", **words)
        return f"{text} ({details['reason']})" if details.get("reason") else text

    def _user_created(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        match = CREATED_SUMMARY.match(entry.summary or "")
        role = details.get("role") or (match["role"] if match else None)
        user = self.subjects.users.get(entry.subject_id or 0)
        email = user.email if user else (match["email"] if match else "")
        if Role.get(role) is None:
            return None
        # The body a focal point works for, as a role change names it (entries before it was
        # recorded name the role alone).
        return f"{email} ({self.role({'role': role, 'body': details.get('body')})})"

    def _role_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        before, after = details.get("before"), details.get("after")
        user = self.subjects.users.get(entry.subject_id or 0)
        if not isinstance(before, dict) or not isinstance(after, dict):
            return None
        who = user.email if user else ""
        return f"{who}: {self.role(before)} → {self.role(after)}"
