"""A focal point asks for a later deadline; a coordinator approves (the date asked or another)
or refuses with a reason; the body is mailed the decision in each person's language; the
request and decision stay in the history. Through the task page and the API."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from gplan.accounts.users import create_user
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import AuditEntry, ExtensionRequest, MailMessage, Task
from gplan.tasks.extensions import RequestConflict, ask_extension, decide_extension
from gplan.timeutil import LOCAL_TZ
from tests.api_support import assert_json_error, bearer
from tests.helpers import (
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    body,
    csrf_from,
    focal_email,
    login,
    seed_plan_and_accounts,
    submit,
    task_of,
    user,
)

NOVEMBER = datetime(2018, 11, 10, 9, 0, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(NOVEMBER, tick=False):
        yield


def _task() -> Task:
    return task_of("health", "IV.7.a", "2018:annual_report")


def _ask(client, task: Task, asked_for: str, reason: str):
    return submit(
        client,
        f"/tasks/{task.id}/extension-request",
        {"asked_for": asked_for, "reason": reason},
        page=f"/tasks/{task.id}",
    )


def _decide(client, request: ExtensionRequest, **fields):
    data = {"version": request.version, "decision_note": "", "granted_on": ""} | fields
    return submit(
        client, f"/extension-requests/{request.id}/decision", data, page=f"/tasks/{request.task_id}"
    )


def _request(task: Task) -> ExtensionRequest:
    db.session.expire_all()
    return db.session.scalars(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task.id)
        .order_by(ExtensionRequest.id.desc())
    ).first()


def test_a_focal_point_asks_and_a_coordinator_approves_another_date(app, client, seed):
    task = _task()
    original = task.deadline
    english = create_user(
        email="health.en@haiduong.gov.vn",
        name="Health EN",
        role=Role.FOCAL_POINT,
        body=body("health"),
        password="correct horse battery",
        locale="en",
    )
    db.session.commit()
    login(client, focal_email("health"))
    response = _ask(client, task, "31/01/2019", "Chờ số liệu của các huyện")
    assert response.status_code == 302
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Chờ quyết định" in page and "Chờ số liệu của các huyện" in page
    assert "Đề nghị gia hạn" in page  # in the history too
    assert f'action="/tasks/{task.id}/extension-request"' not in page  # one pending at a time

    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    listing = coordinator.get(f"/p/{seed.plan_id}/extension-requests").get_data(as_text=True)
    assert "Chờ số liệu của các huyện" in listing and "31/01/2019" in listing
    before = db.session.query(MailMessage).count()
    response = _decide(coordinator, _request(task), decision="approve", granted_on="15/01/2019")
    assert response.status_code == 302

    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.due_on, task.deadline) == (original, date(2019, 1, 15))
    asked = _request(task)
    assert (asked.state, asked.granted_on, asked.decided_by.email) == (
        "approved",
        date(2019, 1, 15),
        COORDINATOR_EMAIL,
    )
    kinds = [event.kind for event in task.events]
    assert kinds[:2] == ["extension", "extension_requested"]
    assert task.events[0].details["request_id"] == asked.id
    mails = db.session.scalars(select(MailMessage).where(MailMessage.kind == "extension_decided")).all()
    assert len(mails) == db.session.query(MailMessage).count() - before == 2
    by_recipient = {m.recipient: m for m in mails}
    assert "15/01/2019" in by_recipient[focal_email("health")].subject
    assert "Gia hạn được chấp thuận" in by_recipient[focal_email("health")].subject
    assert "Extension approved" in by_recipient[english.email].subject
    assert "31/01/2019" in by_recipient[english.email].body_text  # what was asked for, beside it
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == task.id)).all()
    assert {"extension_requested", "extension_decided", "deadline_extended"} <= set(actions)
    # The focal point sees the decision on the task page; the list is empty again.
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Đã chấp thuận" in page and "15/01/2019" in page
    assert "Không có đề nghị nào chờ quyết định" in coordinator.get(
        f"/p/{seed.plan_id}/extension-requests"
    ).get_data(as_text=True)


def test_refusing_needs_a_reason_and_the_form_comes_back_filled(client, seed):
    task = _task()
    ask_extension(user(focal_email("health")), task, date(2019, 2, 1), "Thiếu cán bộ")
    db.session.commit()
    login(client, COORDINATOR_EMAIL)
    response = _decide(client, _request(task), decision="refuse", granted_on="02/02/2019")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hãy nêu lý do từ chối." in page and 'value="02/02/2019"' in page
    assert _request(task).state == "pending"
    response = _decide(client, _request(task), decision="refuse", decision_note="Đề nghị nộp đúng hạn")
    assert response.status_code == 302
    task = db.session.get(Task, task.id)
    assert task.extended_due_on is None and task.events[0].kind == "extension_refused"
    mail = db.session.scalar(select(MailMessage).where(MailMessage.kind == "extension_decided"))
    assert "Đề nghị nộp đúng hạn" in mail.body_text and "từ chối" in mail.subject


def test_a_request_for_a_date_not_after_the_deadline_comes_back_filled(client, seed):
    task = _task()
    login(client, focal_email("health"))
    response = _ask(client, task, "01/01/2018", "Lý do đã gõ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hãy xin một ngày sau thời hạn hiện tại" in page
    assert 'value="01/01/2018"' in page and "Lý do đã gõ" in page
    response = _ask(client, task, "32/01/2019", "Lý do đã gõ")
    assert response.status_code == 422 and "Lý do đã gõ" in response.get_data(as_text=True)
    assert _request(task) is None


def test_deciding_twice_is_refused_with_a_clear_message(app, client, seed):
    task = _task()
    asked = ask_extension(user(focal_email("health")), task, date(2019, 2, 1), "Thiếu cán bộ")
    db.session.commit()
    stale_version = asked.version
    login(client, COORDINATOR_EMAIL)
    assert _decide(client, asked, decision="approve").status_code == 302
    response = submit(
        client,
        f"/extension-requests/{asked.id}/decision",
        {"version": stale_version, "decision": "refuse", "decision_note": "Muộn"},
        page=f"/tasks/{task.id}",
    )
    assert response.status_code == 409
    assert "Đề nghị này đã được quyết định" in response.get_data(as_text=True)
    assert _request(task).state == "approved"
    with pytest.raises(RequestConflict):
        decide_extension(user(COORDINATOR_EMAIL), _request(task), approve=False, note="x")


def test_who_may_ask_decide_and_read(app, client, seed):
    task = _task()
    login(client, focal_email("finance"))  # another body's focal point
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    data = {"csrf_token": token, "asked_for": "01/02/2019", "reason": "x"}
    assert client.post(f"/tasks/{task.id}/extension-request", data=data).status_code == 403
    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    page = coordinator.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "extension-request" not in page  # the coordinator extends directly instead
    asked = ask_extension(user(focal_email("health")), task, date(2019, 2, 1), "Thiếu cán bộ")
    db.session.commit()
    observer = app.test_client()
    login(observer, OBSERVER_EMAIL)
    page = observer.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Thiếu cán bộ" in page and "/decision" not in page
    token = csrf_from(page)
    response = observer.post(
        f"/extension-requests/{asked.id}/decision", data={"csrf_token": token, "decision": "approve"}
    )
    assert response.status_code == 403
    assert observer.get(f"/p/{seed.plan_id}/extension-requests").status_code == 200
    focal = app.test_client()
    login(focal, focal_email("health"))
    assert focal.get(f"/p/{seed.plan_id}/extension-requests").status_code == 403
    assert _request(task).state == "pending"


def test_the_api_asks_lists_and_decides(client, seed):
    task = _task()
    focal = bearer(focal_email("health"))
    response = client.post(
        f"/api/v1/tasks/{task.id}/extension-requests",
        json={"asked_for": "2019-01-31", "reason": "API"},
        headers=focal,
    )
    assert response.status_code == 201, response.get_json()
    asked = response.get_json()
    assert (asked["state"], asked["asked_for"], asked["reason"]) == ("pending", "2019-01-31", "API")
    again = client.post(
        f"/api/v1/tasks/{task.id}/extension-requests",
        json={"asked_for": "2019-02-28", "reason": "API"},
        headers=focal,
    )
    assert_json_error(again, 409)
    early = client.post(
        f"/api/v1/tasks/{task.id}/extension-requests",
        json={"asked_for": "2017-01-01", "reason": "x"},
        headers=focal,
    )
    assert early.status_code in (409, 422)
    coordinator = bearer(COORDINATOR_EMAIL)
    pending = client.get(f"/api/v1/plans/{seed.plan_id}/extension-requests", headers=coordinator).get_json()
    assert [item["id"] for item in pending["items"]] == [asked["id"]]
    url = f"/api/v1/extension-requests/{asked['id']}/decision"
    body = assert_json_error(client.post(url, json={"decision": "refuse"}, headers=coordinator), 422)
    assert "decision_note" in body["errors"]["json"]
    assert_json_error(client.post(url, json={"decision": "approve"}, headers=focal), 403)
    decided = client.post(url, json={"decision": "approve", "version": asked["version"]}, headers=coordinator)
    assert decided.status_code == 200 and decided.get_json()["granted_on"] == "2019-01-31"
    assert client.get(f"/api/v1/tasks/{task.id}", headers=focal).get_json()["deadline"] == "2019-01-31"
    assert_json_error(
        client.post(url, json={"decision": "refuse", "decision_note": "x"}, headers=coordinator), 409
    )
    history = client.get(f"/api/v1/tasks/{task.id}/extension-requests", headers=focal).get_json()["items"]
    assert [item["state"] for item in history] == ["approved"]


def test_two_coordinators_deciding_at_once_one_wins_the_other_is_told(fresh_app):
    app = fresh_app
    app.test_client_class = FlaskClient
    with app.app_context():
        seed_plan_and_accounts()
        create_user(
            email="second@haiduong.gov.vn",
            name="Second",
            role=Role.COORDINATOR,
            password="correct horse battery",
        )
        task = task_of("health", "IV.7.a", "2018:annual_report")
        asked = ask_extension(user(focal_email("health")), task, date(2019, 2, 1), "Thiếu cán bộ")
        db.session.commit()
        request_id, task_id, version = asked.id, task.id, asked.version
        db.session.remove()
    clients = []
    for email in (COORDINATOR_EMAIL, "second@haiduong.gov.vn"):
        c = app.test_client()
        login(c, email)
        clients.append((c, csrf_from(c.get(f"/tasks/{task_id}").get_data(as_text=True))))
    start, statuses = threading.Barrier(2), []

    def decide(c, token, decision):
        start.wait()
        data = {"csrf_token": token, "version": version, "decision": decision, "decision_note": "Lý do"}
        statuses.append(c.post(f"/extension-requests/{request_id}/decision", data=data).status_code)

    threads = [
        threading.Thread(target=decide, args=(*clients[0], "approve")),
        threading.Thread(target=decide, args=(*clients[1], "refuse")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    with app.app_context():
        decided = db.session.get(ExtensionRequest, request_id)
        task = db.session.get(Task, task_id)
        assert decided.state in ("approved", "refused")
        assert (task.extended_due_on is not None) == (decided.state == "approved")
        assert len([e for e in task.events if e.kind in ("extension", "extension_refused")]) == 1
