"""Which reminder kinds a person receives. Escalations and nudges cannot be switched off."""

from __future__ import annotations

from sqlalchemy import delete, select

from gplan.extensions import db
from gplan.models import ReminderOptOut, User
from gplan.reminders.vocabulary import ReminderKind


def received_kinds(user: User) -> set[str]:
    opted_out = set(db.session.scalars(select(ReminderOptOut.kind).where(ReminderOptOut.user_id == user.id)))
    return set[str](ReminderKind.optional()) - opted_out


def set_received_kinds(user: User, kinds: set[str]) -> None:
    """Receive exactly ``kinds`` of the optional reminders; unknown kinds are ignored.
    The caller commits."""
    db.session.execute(delete(ReminderOptOut).where(ReminderOptOut.user_id == user.id))
    for kind in ReminderKind.optional():
        if kind not in kinds:
            db.session.add(ReminderOptOut(user_id=user.id, kind=kind))
