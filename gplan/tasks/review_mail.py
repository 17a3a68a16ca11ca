"""Telling a body that its submission was accepted or returned: one message through the outbox
to the focal point who submitted it, in their language (gplan.tasks.review calls this)."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from gplan.mail.delivery import queue_mail, render_mail
from gplan.mail.vocabulary import MailKind
from gplan.models import Task, TaskSubmission, User
from gplan.public_address import external_url


def _title(task: Task, locale: str) -> str:
    duty = task.responsibility
    return duty.title_en if locale == "en" and duty.title_en else duty.text


def tell_body(task: Task, submission: TaskSubmission, *, accepted: bool) -> None:
    """Queue the decision's message for the submitter (nothing when the account is disabled)."""
    person: User | None = submission.submitted_by
    if person is None or not person.is_enabled or not person.email:
        return
    kind = MailKind.SUBMISSION_ACCEPTED if accepted else MailKind.SUBMISSION_RETURNED
    context = {
        "recipient": person,
        "task": task,
        "title": _title(task, person.locale),
        "submission": submission,
        "task_url": external_url("focal.task", task_id=task.id),
    }
    text, html = render_mail("review_decided", person.locale, accepted=accepted, **context)
    with force_locale(person.locale):
        if accepted:
            subject = gettext("[gplan] Accepted: %(ref)s", ref=task.responsibility.ref)
        else:
            subject = gettext("[gplan] Returned, please revise: %(ref)s", ref=task.responsibility.ref)
    queue_mail(
        kind=kind,
        recipient=person.email,
        subject=subject,
        text=text,
        html=html,
        dedupe_key=f"review:{submission.id}:{kind}",
    )
