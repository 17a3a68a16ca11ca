"""Retiring a body abolished or merged in a reform: open tasks moved with their history or
closed with the reason; done tasks kept for the reports; no new tasks."""

from datetime import date

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Task
from gplan.tasks.progress import record_progress
from gplan.tasks.sync import sync_tasks
from gplan.tasks.vocabulary import TaskEventKind
from tests.helpers import ADMIN_EMAIL, body, focal_email, login, plan, submit, task_of, user


def _count(key: str) -> int:
    return db.session.scalar(select(func.count(Task.id)).where(Task.body_id == body(key).id))


def test_a_retired_bodys_open_tasks_go_to_its_successor_with_their_history(app, client, seed):
    done = task_of("science-technology", "IV.12.a", "2017:annual_report")
    record_progress(done, user(focal_email("science-technology")), "done", "Đã xong")
    started = task_of("science-technology", "IV.12.a", "2018:annual_report")
    record_progress(started, user(focal_email("science-technology")), "in_progress", "Đang làm")
    db.session.commit()
    open_before = _count("science-technology") - 1
    successor_before = _count("information-communications")
    login(client, ADMIN_EMAIL)
    url = f"/admin/bodies/{body('science-technology').id}/retire"

    refused = submit(client, url, {"on": "01/03/2025", "reason": "", "successor": 0})
    assert refused.status_code == 422 and 'value="01/03/2025"' in refused.get_data(as_text=True)
    form = {
        "on": "01/03/2025",
        "reason": "Hợp nhất theo Nghị quyết 18",
        "successor": body("information-communications").id,
    }
    assert submit(client, url, form).status_code == 302

    assert body("science-technology").retired_on == date(2025, 3, 1)
    db.session.refresh(started)
    assert started.body_id == body("information-communications").id and started.note == "Đang làm"
    moved = started.events[0]
    assert moved.kind == TaskEventKind.MOVED and moved.note == "Hợp nhất theo Nghị quyết 18"
    db.session.refresh(done)
    assert done.body_id == body("science-technology").id  # done work stays for the reports
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "body_retired"))
    moved_count = entry.details["moved"]
    # A task the successor holds already (a duty of every body) is closed, not doubled.
    assert moved_count + len(entry.details["closed"]) == open_before and moved_count >= 1
    assert _count("information-communications") == successor_before + moved_count
    # The successor's focal point now sees the moved task.
    focal = app.test_client()
    login(focal, focal_email("information-communications"))
    assert focal.get(f"/tasks/{started.id}").status_code == 200
    # Re-syncing the plan neither gives the retired body tasks again nor drops the moved ones.
    sync_tasks(plan(seed))
    db.session.commit()
    assert _count("science-technology") == 1
    assert _count("information-communications") == successor_before + moved_count
    assert entry.details["successor"] == "information-communications"


def test_without_a_successor_open_tasks_are_closed_with_the_reason(client, seed):
    task = task_of("district-tu-ky", "IV.15.b", "2019:annual_report")
    task_id = task.id
    record_progress(task, user(focal_email("district-tu-ky")), "in_progress", "Đang triển khai")
    db.session.commit()
    login(client, ADMIN_EMAIL)
    url = f"/admin/bodies/{body('district-tu-ky').id}/retire"
    form = {"on": "01/07/2025", "reason": "Giải thể cấp huyện", "successor": 0}
    assert submit(client, url, form).status_code == 302
    assert _count("district-tu-ky") == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "body_retired"))
    assert entry.details["reason"] == "Giải thể cấp huyện"
    closed = next(c for c in entry.details["closed"] if c["task"] == task_id)
    assert (closed["duty"], closed["occurrence"], closed["note"]) == (
        "IV.15.b",
        "2019:annual_report",
        "Đang triển khai",
    )
    again = submit(client, url, form)
    assert again.status_code == 422 and "Cơ quan này đã ngừng hoạt động." in again.get_data(as_text=True)
