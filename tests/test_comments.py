"""The thread on a task between its body and the coordinator: written on the task page or
through the API, read by observers, and carried to the others by the next daily digest (one
mail a day, never one per comment)."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import MailMessage, TaskComment
from gplan.reminders.run import run_reminders
from gplan.tasks.comments import add_comment
from gplan.timeutil import LOCAL_TZ
from tests.api_support import assert_json_error, bearer
from tests.helpers import (
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    csrf_from,
    focal_email,
    login,
    submit,
    task_of,
    user,
)

JUNE_12 = date(2018, 6, 12)


def _comment(client, task, text: str):
    return submit(client, f"/tasks/{task.id}/comments", {"text": text}, page=f"/tasks/{task.id}")


def _mails() -> int:
    return db.session.scalar(select(func.count(MailMessage.id)))


def _digest_of(email: str) -> MailMessage | None:
    return db.session.scalar(
        select(MailMessage).where(MailMessage.recipient == email).order_by(MailMessage.id.desc())
    )


def test_a_comment_exchange_reaches_each_side_in_the_next_digest(app, client, seed):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    with time_machine.travel(datetime(2018, 6, 12, 7, 30, tzinfo=LOCAL_TZ), tick=False) as clock:
        login(client, focal_email("health"))
        assert _comment(client, task, "Xin hướng dẫn mẫu biểu báo cáo năm.").status_code == 302
        coordinator = app.test_client()
        login(coordinator, COORDINATOR_EMAIL)
        page = coordinator.get(f"/tasks/{task.id}").get_data(as_text=True)
        assert "Xin hướng dẫn mẫu biểu báo cáo năm." in page
        assert _comment(coordinator, task, "Dùng mẫu biểu kèm theo Kế hoạch.").status_code == 302
        assert _mails() == 0  # no mail per comment
        page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
        assert page.index("Xin hướng dẫn mẫu biểu") < page.index("Dùng mẫu biểu kèm theo")  # oldest first

        clock.move_to(datetime(2018, 6, 12, 8, 0, tzinfo=LOCAL_TZ))
        run_reminders(JUNE_12, deliver=False)
        db.session.commit()
        to_focal = _digest_of(focal_email("health"))
        to_coordinator = _digest_of(COORDINATOR_EMAIL)
        assert "Dùng mẫu biểu kèm theo Kế hoạch." in to_focal.body_text
        assert "Xin hướng dẫn mẫu biểu" not in to_focal.body_text  # not one's own
        assert "1 ý kiến trao đổi mới" in to_focal.subject
        assert "Xin hướng dẫn mẫu biểu báo cáo năm." in to_coordinator.body_text
        assert "Xin hướng dẫn mẫu biểu báo cáo năm." in to_coordinator.body_html
        assert "Dùng mẫu biểu kèm theo" not in to_coordinator.body_text
        assert f"/tasks/{task.id}#comments" in to_coordinator.body_text
        other = _digest_of(focal_email("finance"))
        assert other is None or "mẫu biểu" not in other.body_text
        assert (
            db.session.scalar(select(func.count(TaskComment.id)).where(TaskComment.digested_at.is_(None)))
            == 0
        )

        # The next day's digests do not carry them again.
        clock.move_to(datetime(2018, 6, 13, 8, 0, tzinfo=LOCAL_TZ))
        before = _mails()
        run_reminders(date(2018, 6, 13), deliver=False)
        db.session.commit()
        new = db.session.scalars(select(MailMessage).order_by(MailMessage.id).offset(before)).all()
        assert not any("mẫu biểu" in message.body_text for message in new)


def test_observers_read_the_thread_but_do_not_write(app, client, seed):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    add_comment(task, user(focal_email("health")), "Ý kiến của đơn vị")
    db.session.commit()
    login(client, OBSERVER_EMAIL)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Ý kiến của đơn vị" in page and f'action="/tasks/{task.id}/comments"' not in page
    response = client.post(f"/tasks/{task.id}/comments", data={"csrf_token": csrf_from(page), "text": "x"})
    assert response.status_code == 403
    other = app.test_client()
    login(other, focal_email("finance"))
    assert other.get(f"/tasks/{task.id}").status_code == 403


def test_an_empty_comment_is_refused_on_the_page(client, seed):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, focal_email("health"))
    response = _comment(client, task, "   ")
    assert response.status_code == 422
    assert 'id="text"' in response.get_data(as_text=True) and 'aria-invalid="true"' in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(TaskComment.id))) == 0


def test_the_api_reads_and_writes_the_thread(client, seed):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    url = f"/api/v1/tasks/{task.id}/comments"
    written = client.post(url, json={"text": "Qua API"}, headers=bearer(focal_email("health")))
    assert written.status_code == 201 and written.get_json()["text"] == "Qua API"
    assert_json_error(client.post(url, json={"text": "x"}, headers=bearer(OBSERVER_EMAIL)), 403)
    assert_json_error(client.post(url, json={"text": ""}, headers=bearer(COORDINATOR_EMAIL)), 422)
    items = client.get(url, headers=bearer(OBSERVER_EMAIL)).get_json()["items"]
    assert [(item["text"], item["author"]["id"]) for item in items] == [
        ("Qua API", user(focal_email("health")).id)
    ]
