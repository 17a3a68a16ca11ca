"""Plan drafts: a roll-over is written and checked in the browser, and reaches nobody until
the admin publishes it.

A draft holds the plan file's data (docs/plan-format.md) as it is being written. It starts
from the plan it rolls over, without that document's number, date and title: the new plan is
a new document, and only the admin can say what it is called and when it was issued. Texts
naming a year of the old period are flagged, so no "đến năm 2020" passes into 2026-2030.
Publishing checks the draft as an uploaded file is checked and imports it: only then are the
tasks made, and only then do focal points see them.

This module is what every step shares (who may write a draft, whether it is still open, saving
and checking an edit) and the header. A draft is started in draft_start.py, its texts, duties
and bodies are edited in draft_texts.py and draft_edits.py, and it is published in
draft_publish.py.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, select

from gplan.accounts.access import require
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import PlanDraft, User
from gplan.ops import audit
from gplan.plans.file import PlanFileError, validate_plan
from gplan.plans.schema import PlanFile
from gplan.timeutil import utcnow
from gplan.validation import InputError

HEADER = ("code", "title", "title_en", "issued_on")


class DraftConflict(InputError):
    """A step the draft's state or another plan forbids: the draft is published already, or a
    plan has its number and period. The API answers 409; a page shows the message."""


def require_admin(actor: User | None) -> None:
    """Only an administrator writes drafts (AccessDenied otherwise)."""
    # None is the command line: whoever runs it administers the machine.
    require(actor is None or actor.role == Role.ADMIN)


def save_edit(
    actor: User | None, draft: PlanDraft, content: dict[str, Any], summary: str, details: dict[str, Any]
) -> None:
    """Keep ``content`` as the draft's and audit the edit (``details`` is what the audit log
    describes in the reader's language, gplan.ops.audit_text)."""
    # A new dict, so that the JSON column sees the change.
    draft.content = content
    draft.updated_at = utcnow()
    audit.record(audit.DRAFT_CHANGED, actor=actor, subject=draft, summary=summary, details=details)


def require_open(draft: PlanDraft) -> None:
    if draft.is_published:
        message = gettext("This draft is published already: roll the plan over again to change it.")
        raise DraftConflict(message)


def unpublished_query() -> Select[tuple[PlanDraft]]:
    """The drafts still being written, newest first."""
    return select(PlanDraft).where(PlanDraft.published_at.is_(None)).order_by(PlanDraft.id.desc())


def unpublished() -> list[PlanDraft]:
    """The drafts still being written, newest first."""
    return list(db.session.scalars(unpublished_query()))


def edit_header(
    actor: User | None,
    draft: PlanDraft,
    *,
    code: str,
    title: str,
    title_en: str | None,
    issued_on: date | None,
) -> None:
    """Set the new document's number, title and date of issue (each may stay empty until
    publishing). The caller commits."""
    require_admin(actor)
    require_open(draft)
    content = copy.deepcopy(draft.content)
    header = content["plan"]
    values = {
        "code": (code or "").strip(),
        "title": (title or "").strip(),
        "title_en": (title_en or "").strip(),
        "issued_on": issued_on.isoformat() if issued_on else "",
    }
    if len(values["code"]) > 80:
        raise InputError(gettext("The number is at most 80 characters."), "code")
    changes = {
        name: [header.get(name), value or None]
        for name, value in values.items()
        if header.get(name, "") != value
    }
    for name, value in values.items():
        if value:
            header[name] = value
        else:
            header.pop(name, None)
    if changes:
        save_edit(actor, draft, content, "plan: " + ", ".join(changes), {"plan": changes})


def check(draft: PlanDraft, content: dict[str, Any] | None = None) -> PlanFile:
    """The draft checked as a plan file is; PlanFileError lists every fault."""
    return validate_plan(content or draft.content, source_name(draft), lambda loc: " › ".join(map(str, loc)))


def check_edit(draft: PlanDraft, content: dict[str, Any], field: str | None = None) -> None:
    """Refuse an edit that would leave the draft unpublishable for a reason other than the
    header still to be written: InputError with every fault, on ``field``."""
    trial = copy.deepcopy(content)
    trial["plan"] = {"code": "-", "title": "-"} | trial["plan"]
    try:
        check(draft, trial)
    except PlanFileError as error:
        message = "; ".join(error.problems)
        raise InputError(message, field) from None


def source_name(draft: PlanDraft) -> str:
    """The draft's name as a plan file: its faults name it, and so does the published plan's file."""
    return f"draft-{draft.id}.yaml"


__all__ = ["PlanFileError"]
