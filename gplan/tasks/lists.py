"""Who a task list's bodies are reached at, and the last reminder each was sent (the overdue
list and the body drill-down show them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS
from gplan.models import Body, MailMessage, User


@dataclass
class LastMail:
    """The latest message the outbox holds for one of a body's recipients."""

    kind: str
    recipient: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    subject: str

    @property
    def at(self) -> datetime:
        return self.sent_at or self.created_at


@dataclass
class BodyContacts:
    emails: dict[int, list[str]] = field(default_factory=dict)
    last_mail: dict[int, LastMail] = field(default_factory=dict)


# Built once: body_contacts' statements, given the bodies (and addresses) when they run.
_PEOPLE = select(User.body_id, User.email).where(
    User.body_id.in_(bindparam("bodies", expanding=True)),
    User.role == Role.FOCAL_POINT,
    User.is_enabled.is_(True),
)
_CONTACTS = select(Body.id, Body.contact_email).where(
    Body.id.in_(bindparam("bodies", expanding=True)), Body.contact_email.is_not(None)
)
_LATEST = select(MailMessage).where(
    MailMessage.id.in_(
        select(func.max(MailMessage.id))
        .where(
            func.lower(MailMessage.recipient).in_(bindparam("owners", expanding=True)),
            MailMessage.kind.not_in(ACCOUNT_MAIL_KINDS),
        )
        .group_by(func.lower(MailMessage.recipient))
    )
)


def body_contacts(body_ids: set[int]) -> BodyContacts:
    """The bodies' focal points and contact addresses, and the last non-account mail queued to
    any of them (two queries, whatever the number of bodies)."""
    result = BodyContacts()
    if not body_ids:
        return result
    owners: dict[str, set[int]] = {}
    bodies = {"bodies": sorted(body_ids)}
    people = db.session.execute(_PEOPLE, bodies)
    contacts = db.session.execute(_CONTACTS, bodies)
    for body_id, email in [*people, *contacts]:
        result.emails.setdefault(body_id, [])
        if email not in result.emails[body_id]:
            result.emails[body_id].append(email)
        owners.setdefault(email.lower(), set()).add(body_id)
    if not owners:
        return result
    for message in db.session.scalars(_LATEST, {"owners": list(owners)}):
        mail = LastMail(
            message.kind,
            message.recipient,
            message.status,
            message.created_at,
            message.sent_at,
            message.subject,
        )
        for body_id in owners.get(message.recipient.lower(), ()):
            known = result.last_mail.get(body_id)
            if known is None or mail.created_at > known.created_at:
                result.last_mail[body_id] = mail
    return result
