"""The headers gplan's mail carries besides the usual ones: a Message-ID on gplan's own
domain, Auto-Submitted on all of it, List-Unsubscribe on what a person can switch off."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app

from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS, MailKind
from gplan.public_address import external_url

# Mail carrying a sign-in link: someone waits for it, so the scheduler sends it more often.
ACCOUNT_KINDS = ACCOUNT_MAIL_KINDS
# Mail a person can stop receiving from the reminder preferences page.
UNSUBSCRIBABLE_KINDS = (MailKind.REMINDER_DIGEST,)


def mail_domain() -> str:
    """The domain of gplan's public address (BASE_URL), for Message-IDs; an IP address becomes
    a domain literal such as [127.0.0.1]."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "gplan.invalid"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{host}]"


def message_id(outbox_id: int, created_at: datetime | None) -> str:
    """The same Message-ID on every attempt of one outbox message, so a copy sent twice (a
    server that accepted but whose answer was lost) is recognised as one by mail clients."""
    stamp = int(created_at.timestamp() * 1000) if created_at else 0
    return f"<gplan.{outbox_id}.{stamp}@{mail_domain()}>"


def headers_for(kind: str) -> dict[str, str]:
    """The headers a message of this kind carries, written into it when it is queued."""
    # Every gplan mail is written by a program: auto-responders (out of office) must not answer.
    headers = {"Auto-Submitted": "auto-generated"}
    if kind in UNSUBSCRIBABLE_KINDS:
        headers["List-Unsubscribe"] = f"<{external_url('reminders.profile')}>"
    return headers
