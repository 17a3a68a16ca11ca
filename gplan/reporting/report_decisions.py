"""A coordinator's decisions on a body's submitted report: accept it (locked from then on),
return it with a reason, or reopen an accepted one with a reason.

Each checks the version the caller read (:class:`ReportConflict`, 409), is audited in the same
transaction and queues one mail to the body (``report_mail``).
"""

from __future__ import annotations

from flask_babel import gettext

from gplan.accounts.access import can_review_reports, require
from gplan.extensions import db
from gplan.models import BodyReport, User
from gplan.ops import audit
from gplan.reporting.body_reports import ReportConflict, check_version, described
from gplan.reporting.vocabulary import BodyReportStatus
from gplan.timeutil import utcnow
from gplan.validation import InputError

REASON_MAX = 2000


def _decide(
    user: User, report: BodyReport, expected_version: int | None, allowed_from: BodyReportStatus
) -> None:
    require(can_review_reports(user))
    check_version(report, expected_version)
    if report.status != allowed_from:
        raise ReportConflict(
            gettext("This report is %(status)s: nothing was changed.", status=report.status.title)
        )


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InputError(gettext("Say why: the body reads the reason."), "reason")
    if len(text) > REASON_MAX:
        raise InputError(gettext("At most %(n)d characters.", n=REASON_MAX), "reason")
    return text


def accept(user: User, report: BodyReport, expected_version: int | None) -> list[int]:
    """Accept a submitted report: it is locked from then on. Returns the queued mail's ids."""
    from gplan.reporting.report_mail import queue_decision

    _decide(user, report, expected_version, BodyReportStatus.SUBMITTED)
    mail = queue_decision(report, user, accepted=True)
    report.status, report.decided_at, report.decided_by_id = BodyReportStatus.ACCEPTED, utcnow(), user.id
    audit.record(audit.BODY_REPORT_ACCEPTED, actor=user, subject=report, summary=described(report))
    db.session.flush()
    return mail


def return_report(
    user: User, report: BodyReport, reason: str | None, expected_version: int | None
) -> list[int]:
    """Return a submitted report to the body with a reason (required); it can be changed and
    submitted again. Returns the queued mail's ids."""
    return _send_back(user, report, reason, expected_version, BodyReportStatus.SUBMITTED)


def reopen(user: User, report: BodyReport, reason: str | None, expected_version: int | None) -> list[int]:
    """Reopen an accepted report with a reason (required): it goes back to the body as
    returned. Returns the queued mail's ids."""
    return _send_back(user, report, reason, expected_version, BodyReportStatus.ACCEPTED)


def _send_back(
    user: User,
    report: BodyReport,
    reason: str | None,
    expected_version: int | None,
    allowed_from: BodyReportStatus,
) -> list[int]:
    from gplan.reporting.report_mail import queue_decision

    _decide(user, report, expected_version, allowed_from)
    text = _reason(reason)
    report.status, report.reason = BodyReportStatus.RETURNED, text
    report.decided_at, report.decided_by_id = utcnow(), user.id
    mail = queue_decision(report, user, accepted=False)
    action = (
        audit.BODY_REPORT_REOPENED
        if allowed_from == BodyReportStatus.ACCEPTED
        else audit.BODY_REPORT_RETURNED
    )
    audit.record(
        action, actor=user, subject=report, summary=f"{described(report)}: {text}", details={"reason": text}
    )
    db.session.flush()
    return mail
