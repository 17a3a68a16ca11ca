"""The words of the outbox: a message's state and its kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from gplan.vocabulary import RichStrEnum


class MailState(RichStrEnum):
    """Where a message is (``MailMessage.status``); the outbox lists them in this order."""

    PENDING = "pending", _l("Waiting to be sent")
    SENDING = "sending", _l("Being sent")  # taken by a sender, until it reports back
    SENT = "sent", _l("Sent"), "tone-ok"
    HELD = "held", _l("Held (no mail server)"), "tone-late"  # kept in the in-app outbox
    FAILED = "failed", _l("Failed"), "tone-overdue"  # gave up after the last retry


class MailKind(RichStrEnum):
    """What a message is (``MailMessage.kind``)."""

    REMINDER_DIGEST = "reminder_digest", _l("Daily reminders")
    NUDGE = "nudge", _l("Nudge")
    INVITE = "invite", _l("Invitation")
    RESET = "reset", _l("Password reset")
    REPORT_RETURNED = "report_returned", _l("Body report returned")
    REPORT_ACCEPTED = "report_accepted", _l("Body report accepted")

    @property
    def is_account_mail(self) -> bool:
        """Mail carrying a personal sign-in link: not a reminder, and its body is never shown
        (whoever reads it could take over the account)."""
        return self in (MailKind.INVITE, MailKind.RESET)


ACCOUNT_MAIL_KINDS = tuple(kind for kind in MailKind if kind.is_account_mail)
