"""The body's report for a year: its focal point writes and submits it, a coordinator accepts
or returns it (with a reason), an accepted one is locked until a coordinator reopens it; two
coordinators deciding at once: one wins, the other is told (409). The body hears of each
decision by one mail in its language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.mail.vocabulary import MailKind
from gplan.models import AuditEntry, BodyReport, MailMessage
from gplan.reporting import body_reports
from gplan.reporting.vocabulary import BodyReportStatus
from gplan.timeutil import local_today
from tests.helpers import COORDINATOR_EMAIL, OBSERVER_EMAIL, body, focal_email, login, plan, submit, user

YEAR = 2017


def _url(seed, key: str = "health", year: int = YEAR) -> str:
    return f"/p/{seed.plan_id}/bodies/{body(key).id}/report/{year}"


def _objective_refs(seed, key: str = "health") -> list[str]:
    assembled = body_reports.assemble(plan(seed), body(key), YEAR, local_today())
    return [s.key for s in assembled.objectives]


def _narratives(seed, key: str = "health", text: str = "Đã tổ chức tập huấn cho cán bộ y tế.") -> dict:
    return {f"narrative-{ref}": f"{text} ({ref})" for ref in _objective_refs(seed, key)}


def _version(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _record(seed, key: str = "health") -> BodyReport:
    db.session.expire_all()
    return body_reports.find(plan(seed), body(key), YEAR)


def _submitted(app, seed) -> str:
    """The health body's report for 2017, submitted by its focal point; the page's address."""
    focal = app.test_client()
    login(focal, focal_email("health"))
    url = _url(seed)
    data = _narratives(seed) | {"version": _version(focal, url), "submit": "1"}
    assert submit(focal, url, data).status_code == 302
    return url


def test_the_focal_point_submits_the_report_and_the_coordinator_sees_it(app, client, seed):
    assert _objective_refs(seed), "the health body has duties under objectives in 2017"
    login(client, focal_email("health"))
    url = _url(seed)
    page = client.get(url).get_data(as_text=True)
    assert "Bản nháp" in page and "Nộp báo cáo" in page
    # A draft first: saved, not submitted.
    refs = _objective_refs(seed)
    first = {f"narrative-{refs[0]}": "Bản nháp đầu tiên", "version": "0", "save": "1"}
    assert submit(client, url, first).status_code == 302
    assert _record(seed).status == BodyReportStatus.DRAFT
    # Submitting with an objective left empty: refused, the typed text comes back.
    if len(refs) > 1:
        data = {f"narrative-{refs[0]}": "Đã làm nhiều việc", "version": _version(client, url), "submit": "1"}
        response = submit(client, url, data)
        assert response.status_code == 422
        assert "Đã làm nhiều việc" in response.get_data(as_text=True)
        assert _record(seed).status == BodyReportStatus.DRAFT
    data = _narratives(seed) | {"version": _version(client, url), "submit": "1"}
    assert submit(client, url, data).status_code == 302
    report = _record(seed)
    assert report.status == BodyReportStatus.SUBMITTED
    assert report.submitted_by_id == user(focal_email("health")).id
    # Locked for the body while it waits.
    assert 'name="submit"' not in client.get(url).get_data(as_text=True)

    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    listing = coordinator.get(f"/p/{seed.plan_id}/body-reports?year={YEAR}").get_data(as_text=True)
    assert "Đã gửi, chờ duyệt" in listing
    page = coordinator.get(url).get_data(as_text=True)
    assert "Đã tổ chức tập huấn cho cán bộ y tế." in page and "Chấp nhận báo cáo" in page


def test_return_needs_a_reason_then_accept_locks_and_reopen_needs_a_reason(app, client, seed):
    url = _submitted(app, seed)
    report = _record(seed)
    login(client, COORDINATOR_EMAIL)
    decide = f"/body-reports/{report.id}"
    response = submit(client, f"{decide}/return", {"reason": "  ", "version": report.version}, page=url)
    assert response.status_code == 422
    assert "Hãy nêu lý do" in response.get_data(as_text=True)
    assert _record(seed).status == BodyReportStatus.SUBMITTED
    reason = "Thiếu số liệu về tỷ số giới tính khi sinh."
    assert (
        submit(
            client, f"{decide}/return", {"reason": reason, "version": report.version}, page=url
        ).status_code
        == 302
    )
    report = _record(seed)
    assert report.status == BodyReportStatus.RETURNED and report.reason == reason

    # The body sees the reason, corrects and submits again.
    focal = app.test_client()
    login(focal, focal_email("health"))
    assert reason in focal.get(url).get_data(as_text=True)
    data = _narratives(seed, text="Đã bổ sung số liệu") | {"version": _version(focal, url), "submit": "1"}
    assert submit(focal, url, data).status_code == 302
    report = _record(seed)
    assert report.status == BodyReportStatus.SUBMITTED

    assert submit(client, f"{decide}/accept", {"version": report.version}, page=url).status_code == 302
    report = _record(seed)
    assert report.status == BodyReportStatus.ACCEPTED
    # Locked: the body can change nothing, not even by posting the form.
    data = _narratives(seed, text="Sửa sau khi duyệt") | {"version": report.version, "submit": "1"}
    assert submit(focal, url, data, page=url).status_code == 409
    assert "Sửa sau khi duyệt" not in str(_record(seed).narratives)
    # Deciding twice is a conflict, nothing changed.
    assert submit(client, f"{decide}/accept", {"version": report.version}, page=url).status_code == 409
    # Reopening needs a reason too, then the body may write again.
    assert (
        submit(client, f"{decide}/reopen", {"reason": "", "version": report.version}, page=url).status_code
        == 422
    )
    assert (
        submit(
            client,
            f"{decide}/reopen",
            {"reason": "Cần cập nhật số liệu cuối năm", "version": report.version},
            page=url,
        ).status_code
        == 302
    )
    assert _record(seed).status == BodyReportStatus.RETURNED
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "BodyReport").order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "body_report_submitted",
        "body_report_returned",
        "body_report_submitted",
        "body_report_accepted",
        "body_report_reopened",
    ]


def test_two_coordinators_at_once_one_wins_the_other_gets_409(app, seed):
    url = _submitted(app, seed)
    report = _record(seed)
    first, second = app.test_client(), app.test_client()
    login(first, COORDINATOR_EMAIL)
    from tests.helpers import ADMIN_EMAIL

    login(second, ADMIN_EMAIL)
    read = _version(first, url)
    assert read == _version(second, url)
    assert submit(first, f"/body-reports/{report.id}/accept", {"version": read}, page=url).status_code == 302
    response = submit(
        second, f"/body-reports/{report.id}/return", {"reason": "Không đạt", "version": read}, page=url
    )
    assert response.status_code == 409
    assert _record(seed).status == BodyReportStatus.ACCEPTED


def test_the_decision_mail_goes_to_the_body_once_in_its_language(app, client, seed):
    url = _submitted(app, seed)
    focal = user(focal_email("health"))
    focal.locale = "en"
    db.session.commit()
    report = _record(seed)
    login(client, COORDINATOR_EMAIL)
    before = db.session.scalar(select(func.count(MailMessage.id)))
    submit(
        client,
        f"/body-reports/{report.id}/return",
        {"reason": "Thiếu minh chứng", "version": report.version},
        page=url,
    )
    messages = db.session.scalars(
        select(MailMessage).where(MailMessage.kind == MailKind.REPORT_RETURNED)
    ).all()
    assert [m.recipient for m in messages] == [focal.email]
    assert "was returned" in messages[0].subject and "Thiếu minh chứng" in messages[0].body_text
    assert db.session.scalar(select(func.count(MailMessage.id))) == before + 1


@pytest.mark.parametrize("who", [OBSERVER_EMAIL, focal_email("finance")])
def test_only_the_bodys_focal_point_writes_and_only_coordinators_decide(app, client, seed, who):
    url = _submitted(app, seed)
    report = _record(seed)
    login(client, who)
    data = _narratives(seed) | {"version": report.version, "submit": "1"}
    token_page = "/profile/"
    assert submit(client, url, data, page=token_page).status_code == 403
    assert (
        submit(
            client, f"/body-reports/{report.id}/accept", {"version": report.version}, page=token_page
        ).status_code
        == 403
    )
    assert _record(seed).status == BodyReportStatus.SUBMITTED


def test_a_decision_on_an_older_reading_is_refused_even_when_the_state_matches(app, seed):
    """Coordinator A opens the submitted report; meanwhile B returns it and the body submits it
    again. A's "accept" reads an older version: 409, A has not seen the new text."""
    url = _submitted(app, seed)
    report = _record(seed)
    a, b = app.test_client(), app.test_client()
    login(a, COORDINATOR_EMAIL)
    from tests.helpers import ADMIN_EMAIL

    login(b, ADMIN_EMAIL)
    read_by_a = _version(a, url)
    assert (
        submit(
            b, f"/body-reports/{report.id}/return", {"reason": "Bổ sung", "version": read_by_a}, page=url
        ).status_code
        == 302
    )
    focal = app.test_client()
    login(focal, focal_email("health"))
    data = _narratives(seed, text="Bản mới") | {"version": _version(focal, url), "submit": "1"}
    assert submit(focal, url, data).status_code == 302
    assert _record(seed).status == BodyReportStatus.SUBMITTED
    response = submit(a, f"/body-reports/{report.id}/accept", {"version": read_by_a}, page=url)
    assert response.status_code == 409
    assert "mở lại" in response.get_data(as_text=True)
    assert _record(seed).status == BodyReportStatus.SUBMITTED
