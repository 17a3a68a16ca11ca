"""The mail a body gets when its yearly report is accepted or returned: one message to each of
its focal points (else its contact address), in the recipient's language, through the outbox."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from gplan.mail.delivery import queue_mail, render_mail
from gplan.mail.vocabulary import MailKind
from gplan.models import BodyReport, User
from gplan.public_address import external_url
from gplan.reminders.nudge import body_recipients


def queue_decision(report: BodyReport, by_user: User, *, accepted: bool) -> list[int]:
    """Queue the decision on ``report`` (made now by ``by_user``) for the body. One message per
    person and decision: the key holds the version decided on. The caller commits."""
    kind = MailKind.REPORT_ACCEPTED if accepted else MailKind.REPORT_RETURNED
    link = external_url("focal.body_report", plan_id=report.plan_id, body_id=report.body_id, year=report.year)
    ids = []
    for person in body_recipients(report.body):
        with force_locale(person.locale):
            if accepted:
                subject = gettext("[gplan] Your report for %(year)d was accepted", year=report.year)
            else:
                subject = gettext("[gplan] Your report for %(year)d was returned", year=report.year)
        text, html = render_mail(
            "body_report_decision",
            person.locale,
            recipient=person,
            report=report,
            sender=by_user,
            accepted=accepted,
            link=link,
        )
        message = queue_mail(
            kind=kind,
            recipient=person.email,
            subject=subject,
            text=text,
            html=html,
            dedupe_key=f"body-report:{report.id}:{report.version}:{person.email}",
        )
        if message is not None:
            ids.append(message.id)
    return ids
