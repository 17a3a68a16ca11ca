"""The audit log: recording what was done, and reading it back filtered or as CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from gplan.extensions import db
from gplan.models import AuditEntry, User
from gplan.paging import DEFAULT_PER_PAGE, Direction, KeysetPage, keyset_page
from gplan.reporting.sheets import neutralised
from gplan.timeutil import LOCAL_TZ, to_local, utcnow

LOGIN = "login"
LOGIN_FAILED = "login_failed"
USER_CREATED = "user_created"
ROLE_CHANGED = "role_changed"
USER_DISABLED = "user_disabled"
USER_ENABLED = "user_enabled"
INVITE_SENT = "invite_sent"
PASSWORD_RESET_SENT = "password_reset_sent"  # an audit event name  # nosec B105
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # an audit event name  # nosec B105
STATUS_CHANGED = "status_changed"
DEADLINE_EXTENDED = "deadline_extended"
AD_HOC_TASK = "ad_hoc_task"
EXTENSION_REQUESTED = "extension_requested"
EXTENSION_DECIDED = "extension_decided"
COMMENT_ADDED = "comment_added"
PLAN_IMPORTED = "plan_imported"
IMPORT_REJECTED = "import_rejected"
DUE_DAYS_CHANGED = "due_days_changed"
BODY_CHANGED = "body_changed"
MEMBER_ADDED = "member_added"
DRAFT_CREATED = "draft_created"
DRAFT_CHANGED = "draft_changed"
DRAFT_PUBLISHED = "draft_published"
BODY_RETIRED = "body_retired"
TOKEN_CREATED = "token_created"  # an audit event name  # nosec B105
TOKEN_REVOKED = "token_revoked"  # an audit event name  # nosec B105
BODY_REPORT_SAVED = "body_report_saved"
BODY_REPORT_SUBMITTED = "body_report_submitted"
BODY_REPORT_ACCEPTED = "body_report_accepted"
BODY_REPORT_RETURNED = "body_report_returned"
BODY_REPORT_REOPENED = "body_report_reopened"
PROVINCE_REPORT_SAVED = "province_report_saved"
TASK_SUBMITTED = "task_submitted"
SUBMISSION_ACCEPTED = "submission_accepted"
SUBMISSION_RETURNED = "submission_returned"
TASK_REOPENED = "task_reopened"
REVIEW_SETTINGS_CHANGED = "review_settings_changed"

ACTION_LABELS = {
    LOGIN: lazy_gettext("Signed in"),
    LOGIN_FAILED: lazy_gettext("Failed sign-in"),
    USER_CREATED: lazy_gettext("Account created"),
    ROLE_CHANGED: lazy_gettext("Role or body changed"),
    USER_DISABLED: lazy_gettext("Account disabled"),
    USER_ENABLED: lazy_gettext("Account enabled"),
    # Recorded when the mail is queued; the outbox shows when the mail server accepted it.
    INVITE_SENT: lazy_gettext("Invitation queued"),
    PASSWORD_RESET_SENT: lazy_gettext("Password reset link queued"),
    PASSWORD_RESET_REQUESTED: lazy_gettext("Password reset requested"),
    STATUS_CHANGED: lazy_gettext("Task status changed"),
    DEADLINE_EXTENDED: lazy_gettext("Deadline extended"),
    AD_HOC_TASK: lazy_gettext("Ad-hoc task assigned"),
    EXTENSION_REQUESTED: lazy_gettext("Extension requested"),
    EXTENSION_DECIDED: lazy_gettext("Extension request decided"),
    COMMENT_ADDED: lazy_gettext("Comment added"),
    PLAN_IMPORTED: lazy_gettext("Plan imported"),
    IMPORT_REJECTED: lazy_gettext("Plan file rejected"),
    DUE_DAYS_CHANGED: lazy_gettext("Report due days changed"),
    BODY_CHANGED: lazy_gettext("Body changed"),
    MEMBER_ADDED: lazy_gettext("Member unit added"),
    DRAFT_CREATED: lazy_gettext("Plan draft started"),
    DRAFT_CHANGED: lazy_gettext("Plan draft edited"),
    DRAFT_PUBLISHED: lazy_gettext("Plan draft published"),
    BODY_RETIRED: lazy_gettext("Body retired"),
    TOKEN_CREATED: lazy_gettext("API token created"),
    TOKEN_REVOKED: lazy_gettext("API token revoked"),
    BODY_REPORT_SAVED: lazy_gettext("Body report saved"),
    BODY_REPORT_SUBMITTED: lazy_gettext("Body report submitted"),
    BODY_REPORT_ACCEPTED: lazy_gettext("Body report accepted"),
    BODY_REPORT_RETURNED: lazy_gettext("Body report returned"),
    BODY_REPORT_REOPENED: lazy_gettext("Body report reopened"),
    PROVINCE_REPORT_SAVED: lazy_gettext("Province report saved"),
    TASK_SUBMITTED: lazy_gettext("Task submitted for review"),
    SUBMISSION_ACCEPTED: lazy_gettext("Submission accepted"),
    SUBMISSION_RETURNED: lazy_gettext("Submission returned"),
    TASK_REOPENED: lazy_gettext("Task reopened"),
    REVIEW_SETTINGS_CHANGED: lazy_gettext("Review settings changed"),
}


# Typed by anyone (e.g. on the sign-in page); PostgreSQL refuses NUL in text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str | None, limit: int) -> str | None:
    return CONTROL.sub("", text)[:limit] if text else text


def record(
    action: str,
    *,
    actor: User | None = None,
    email: str | None = None,
    subject: object | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the audit log. The caller commits, with the change it describes."""
    entry = AuditEntry(
        at=utcnow(),
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_email=_clean(email or (actor.email if actor is not None else None), 254) or None,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        summary=_clean(summary, 1000) or "",
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


@dataclass
class AuditFilter:
    action: str | None = None
    who: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _query(filters: AuditFilter) -> Select[tuple[AuditEntry]]:
    query = select(AuditEntry)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    who = _clean(filters.who, 254)
    if who and who.strip():
        pattern = f"%{who.strip().lower()}%"
        query = query.outerjoin(User, User.id == AuditEntry.actor_id).where(
            or_(func.lower(AuditEntry.actor_email).like(pattern), func.lower(User.name).like(pattern))
        )
    # Dates are local calendar days; the log keeps UTC instants.
    if filters.date_from:
        query = query.where(AuditEntry.at >= datetime.combine(filters.date_from, time(), LOCAL_TZ))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), LOCAL_TZ)
        query = query.where(AuditEntry.at < end)
    return query


_ORDER = (AuditEntry.at, AuditEntry.id)


def entries(
    filters: AuditFilter, start: tuple[Direction, int] | None = None, per_page: int = DEFAULT_PER_PAGE
) -> KeysetPage[AuditEntry]:
    """One page of matching entries, newest first, with who made them: the first, or the one
    just older or newer than the entry ``start`` names. The log is never counted, so a page
    costs the same however long the log grows."""
    after = None
    if start is not None:
        at = db.session.scalar(select(AuditEntry.at).where(AuditEntry.id == start[1]))
        after = (start[0], (at, start[1])) if at is not None else None
    query = _query(filters).options(selectinload(AuditEntry.actor))
    return keyset_page(query, _ORDER, after, per_page)


def _csv_rows(filters: AuditFilter) -> Iterable[list[Any]]:
    yield ["time (Asia/Ho_Chi_Minh)", "action", "user", "email", "subject", "summary", "ip"]
    newest_first = _query(filters).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    for entry in db.session.scalars(newest_first.execution_options(yield_per=500)):
        subject = f"{entry.subject_type} {entry.subject_id}" if entry.subject_type else ""
        yield [
            to_local(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.action,
            entry.actor.name if entry.actor else "",
            entry.actor_email or "",
            subject,
            entry.summary,
            entry.ip or "",
        ]


def export_csv(filters: AuditFilter) -> str:
    """The matching entries as CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in _csv_rows(filters):
        writer.writerow([neutralised(str(cell)) for cell in row])
    return buffer.getvalue()
