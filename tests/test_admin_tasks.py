"""The coordinator's extra work and extensions: ad-hoc tasks, deadline extensions."""

from datetime import date, datetime

import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import AuditEntry, Responsibility, Task
from gplan.tasks.sync import sync_tasks
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.helpers import COORDINATOR_EMAIL, body, focal_email, login, plan, submit, task_of

MID_2018 = datetime(2018, 6, 1, 9, 0, tzinfo=LOCAL_TZ)


def _assign(client, seed, body_key: str, title: str, due: str):
    return submit(
        client,
        f"/admin/plans/{seed.plan_id}/ad-hoc",
        {"body": body(body_key).id, "title": title, "due_on": due, "note": "Theo chỉ đạo của UBND tỉnh"},
    )


def test_the_coordinator_assigns_an_ad_hoc_task_the_body_sees(client, app, seed):
    with time_machine.travel(MID_2018, tick=False):
        login(client, COORDINATOR_EMAIL)
        response = _assign(client, seed, "health", "Báo cáo nhanh về tỷ số giới tính khi sinh", "2018-07-15")
        assert response.status_code == 302
        task = db.session.scalar(select(Task).join(Responsibility).where(Responsibility.ad_hoc))
        assert (task.body.key, task.due_on, task.progress) == ("health", date(2018, 7, 15), "not_started")
        assert task.responsibility.ref == "AH.1" and task.events[0].kind == "assigned"
        focal = app.test_client()
        login(focal, focal_email("health"))
        listing = focal.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
        assert "Báo cáo nhanh về tỷ số giới tính khi sinh" in listing
        page = focal.get(f"/tasks/{task.id}").get_data(as_text=True)
        assert "Đã giao nhiệm vụ" in page and "Theo chỉ đạo của UBND tỉnh" in page
        overview = focal.get(f"/p/{seed.plan_id}/").get_data(as_text=True)
        assert "Báo cáo nhanh về tỷ số giới tính khi sinh" not in overview  # the plan's own text only
        api = focal.get(f"/api/v1/tasks/{task.id}").get_json()
        assert api["responsibility"]["ad_hoc"] is True and api["status"] == "not_started"
        # Survives a re-sync of the plan (e.g. after a due-day change).
        sync_tasks(plan(seed))
        db.session.commit()
        assert db.session.get(Task, task.id) is not None
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ad_hoc_task")).details["tasks"]
            == 1
        )


def test_an_ad_hoc_task_for_a_group_goes_to_each_member(client, seed):
    login(client, COORDINATOR_EMAIL)
    _assign(client, seed, "districts", "Rà soát số liệu cán bộ nữ", "2019-03-31")
    bodies = db.session.scalars(
        select(Task.body_id)
        .join(Responsibility)
        .where(Responsibility.ad_hoc, Responsibility.plan_id == seed.plan_id)
    ).all()
    assert sorted(bodies) == sorted(m.id for m in body("districts").members)


def test_an_ad_hoc_task_needs_a_title_and_a_date_in_the_period(client, seed):
    login(client, COORDINATOR_EMAIL)
    response = _assign(client, seed, "health", "Việc ngoài kỳ", "2030-01-01")
    assert response.status_code == 422 and "Việc ngoài kỳ" in response.get_data(as_text=True)
    response = _assign(client, seed, "health", "", "2018-01-01")
    assert response.status_code == 422
    assert db.session.scalar(select(Responsibility).where(Responsibility.ad_hoc)) is None


def test_an_extension_moves_the_date_on_time_is_measured_by(client, app):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    original = task.due_on
    with time_machine.travel(MID_2018, tick=False):
        login(client, COORDINATOR_EMAIL)
        page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
        assert f"/admin/tasks/{task.id}/extend" in page
        response = submit(
            client,
            f"/admin/tasks/{task.id}/extend",
            {"deadline": "2019-01-15", "reason": "Chờ số liệu thống kê"},
        )
        assert response.status_code == 302
    db.session.refresh(task)
    assert (task.due_on, task.extended_due_on) == (original, date(2019, 1, 15))
    with time_machine.travel(datetime(2019, 1, 5, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        headers = bearer(focal_email("health"))
        assert client.get(f"/api/v1/tasks/{task.id}", headers=headers).get_json()["status"] == "not_started"
        done = client.post(f"/api/v1/tasks/{task.id}/progress", json={"progress": "done"}, headers=headers)
        # Done after the original due date but within the extension: on time (issue 10), the
        # original date still shown beside the extended one.
        assert done.get_json()["status"] == "done_on_time"
        assert done.get_json()["due_on"] == original.isoformat()
    history = client.get(f"/api/v1/tasks/{task.id}/history", headers=headers).get_json()["items"]
    extension = history[-1]
    assert extension["kind"] == "extension" and extension["note"] == "Chờ số liệu thống kê"
    assert extension["details"]["from"] == original.isoformat() and extension["details"]["to"] == "2019-01-15"
    focal = app.test_client()
    login(focal, focal_email("health"))
    page = focal.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Gia hạn từ" in page and "15/01/2019" in page and "Chờ số liệu thống kê" in page
    assert f"/admin/tasks/{task.id}/extend" not in page
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deadline_extended")).subject_id
        == task.id
    )


def test_an_extension_needs_a_reason_and_a_later_date(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, COORDINATOR_EMAIL)
    url = f"/admin/tasks/{task.id}/extend"
    response = submit(client, url, {"deadline": "2018-01-01", "reason": "Lý do"})
    assert response.status_code == 422 and "phải sau hạn ban đầu" in response.get_data(as_text=True)
    response = submit(client, url, {"deadline": "2019-02-01", "reason": ""})
    assert response.status_code == 422
    db.session.refresh(task)
    assert task.extended_due_on is None and not task.events


def test_a_refusal_that_names_no_field_is_shown_at_the_top_of_the_form(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    task.progress = "done"
    db.session.commit()
    login(client, COORDINATOR_EMAIL)
    response = submit(client, f"/admin/tasks/{task.id}/extend", {"deadline": "2019-02-01", "reason": "Lý do"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="flash flash-error"' in page
    assert "Nhiệm vụ đã hoàn thành." in page and "Lý do</textarea>" in page


def test_the_bodies_to_choose_from_are_in_vietnamese_alphabetical_order(client, seed):
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/admin/plans/{seed.plan_id}/ad-hoc").get_data(as_text=True)
    names = [
        "Công an tỉnh",
        "Đài Phát thanh - Truyền hình tỉnh",
        "Sở Tài chính",
        "Sở Tư pháp",
        "Sở Y tế",
        "Ủy ban nhân dân huyện Tứ Kỳ",
        "Văn phòng Ủy ban nhân dân tỉnh",
    ]
    positions = [page.index(f">{name}</option>") for name in names]
    assert positions == sorted(positions)
