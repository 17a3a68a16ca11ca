"""Retiring a body abolished or merged in a reform: open tasks moved with their history or
closed with the reason, and kept, shown closed, neither overdue nor reminded; done tasks kept
for the reports; no new tasks."""

import re
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Task
from gplan.reminders.planner import due_reminders
from gplan.reporting import summary
from gplan.tasks.progress import record_progress
from gplan.tasks.sync import sync_tasks
from gplan.tasks.vocabulary import TaskEventKind, TaskStatus
from gplan.timeutil import local_today
from tests.coordinator_support import python_counts
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    body,
    focal_email,
    login,
    plan,
    submit,
    task_of,
    user,
)


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
    # Counted first, for the successor chosen; nothing changes yet.
    preview = submit(client, url, {**form, "preview": "1"}).get_data(as_text=True)
    counted = re.search(
        r"kế nhiệm: (\d+) sẽ được chuyển sang, (\d+) sẽ được đóng vì cơ quan này đã có", preview
    )
    assert counted and body("science-technology").retired_on is None
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
    assert (moved_count, len(entry.details["closed"])) == (int(counted[1]), int(counted[2]))
    assert _count("information-communications") == successor_before + moved_count
    # The successor's focal point now sees the moved task.
    focal = app.test_client()
    login(focal, focal_email("information-communications"))
    assert focal.get(f"/tasks/{started.id}").status_code == 200
    # The duplicates stay with the retired body, closed, saying the successor had them.
    closed = db.session.scalars(
        select(Task).where(Task.body_id == body("science-technology").id, Task.progress == "closed")
    ).all()
    assert len(closed) == len(entry.details["closed"]) and all(t.closed_as_duplicate for t in closed)
    page = focal.get(f"/tasks/{closed[0].id}")
    assert page.status_code == 403  # another body's task
    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    shown = coordinator.get(f"/tasks/{closed[0].id}").get_data(as_text=True)
    assert "Đã đóng" in shown and "đóng từ 01/03/2025: Hợp nhất theo Nghị quyết 18" in shown
    assert "cơ quan kế nhiệm đã có nhiệm vụ này" in shown
    # Re-syncing the plan neither gives the retired body tasks again nor drops the moved ones.
    sync_tasks(plan(seed))
    db.session.commit()
    assert _count("science-technology") == 1 + len(closed)
    assert _count("information-communications") == successor_before + moved_count
    assert entry.details["successor"] == "information-communications"


def test_without_a_successor_open_tasks_are_closed_with_the_reason(app, client, seed):
    tu_ky = body("district-tu-ky")
    task = task_of("district-tu-ky", "IV.15.b", "2019:annual_report")
    record_progress(task, user(focal_email("district-tu-ky")), "in_progress", "Đang triển khai")
    db.session.commit()
    open_ids = set(db.session.scalars(select(Task.id).where(Task.body_id == tu_ky.id, Task.is_open)))
    assert task.id in open_ids and len(open_ids) > 1
    deadline = task.deadline
    reminded_before = _reminded(deadline)
    assert task.id in reminded_before
    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    assert _overdue_of(coordinator, seed, tu_ky) == len(open_ids)  # all past their deadline today
    overdue_before = _overdue_total(coordinator, seed)

    login(client, ADMIN_EMAIL)
    url = f"/admin/bodies/{tu_ky.id}/retire"
    before = client.get(url).get_data(as_text=True)
    assert f"{len(open_ids)} nhiệm vụ chưa hoàn thành." in before
    assert f"Không có cơ quan kế nhiệm: 0 sẽ được chuyển, {len(open_ids)} sẽ được đóng kèm lý do." in before
    form = {"on": "01/07/2025", "reason": "Giải thể cấp huyện", "successor": 0}
    done = submit(client, url, form, follow_redirects=True).get_data(as_text=True)
    assert (
        "0 nhiệm vụ chưa hoàn thành đã được chuyển cho cơ quan kế nhiệm, "
        f"{len(open_ids)} đã được đóng kèm lý do." in done
    )

    # Nothing is lost: every open task is still there, closed from the day with the reason.
    db.session.expire_all()
    assert _count("district-tu-ky") == len(open_ids)  # all of them, none deleted
    closed = db.session.scalars(select(Task).where(Task.id.in_(open_ids))).all()
    assert {(t.progress, t.closed_on, t.closed_reason, t.body_id) for t in closed} == {
        ("closed", date(2025, 7, 1), "Giải thể cấp huyện", tu_ky.id)
    }
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "body_retired"))
    assert entry.details["reason"] == "Giải thể cấp huyện" and len(entry.details["closed"]) == len(open_ids)
    assert "0 moved, " + str(len(open_ids)) + " closed" in entry.summary

    # The coordinator sees them closed, with the day and the reason, on the task page and in
    # the retired body's list; none is overdue any more, and none is reminded.
    page = coordinator.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Đã đóng" in page and "đóng từ 01/07/2025: Giải thể cấp huyện" in page
    assert "Đang triển khai" in page  # what the body had written stays
    api = coordinator.get(f"/api/v1/tasks/{task.id}").get_json()
    assert (api["status"], api["closed_on"], api["closed_reason"]) == (
        "closed",
        "2025-07-01",
        "Giải thể cấp huyện",
    )
    listed = coordinator.get(f"/p/{seed.plan_id}/progress/bodies/{tu_ky.id}?year=2019").get_data(as_text=True)
    assert "đóng từ 01/07/2025: Giải thể cấp huyện" in listed
    assert _overdue_of(coordinator, seed, tu_ky) == 0
    assert _overdue_total(coordinator, seed) == overdue_before - len(open_ids)
    assert not open_ids & _reminded(deadline)
    # The figures say so too, and equal counting the tasks one by one.
    today = local_today()
    counts = summary.overview(plan(seed), today).total
    python = sum(python_counts(seed.plan_id, today).values(), Counter())
    assert {s: counts.count(s) for s in TaskStatus} == {s: python[s] for s in TaskStatus}
    assert counts.count(TaskStatus.CLOSED) == len(open_ids)

    # The body's focal point sees them closed and can no longer change them.
    focal = app.test_client()
    login(focal, focal_email("district-tu-ky"))
    own = focal.get(f"/tasks/{task.id}")
    assert own.status_code == 200 and "Cập nhật tiến độ" not in own.get_data(as_text=True)
    mine = focal.get(f"/p/{seed.plan_id}/tasks?year=2019").get_data(as_text=True)
    assert "Đã đóng khi cơ quan ngừng hoạt động" in mine and "Giải thể cấp huyện" in mine
    refused = submit(focal, f"/tasks/{task.id}", {"progress": "done", "note": "xong"})
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).progress == "closed"

    again = submit(client, url, form)
    assert again.status_code == 422 and "Cơ quan này đã ngừng hoạt động." in again.get_data(as_text=True)


def _reminded(day: date) -> set[int]:
    """The tasks the daily run would mention on ``day``."""
    found = due_reminders(day, ignore_history=True)
    return {task_id for digest in found.digests for task_id in digest.entries}


def _overdue_of(client, seed, of) -> int:
    """How many of ``of``'s tasks the coordinator's task list shows as overdue."""
    page = client.get(f"/p/{seed.plan_id}/progress/tasks?body={of.id}&status=overdue").get_data(as_text=True)
    return int(re.search(r"<strong>(\d+) nhiệm vụ</strong>", page).group(1))


def _overdue_total(client, seed) -> int:
    """What the coordinator's overdue list counts."""
    page = client.get(f"/p/{seed.plan_id}/progress/overdue").get_data(as_text=True)
    return int(re.search(r"<strong>(\d+) nhiệm vụ quá hạn</strong>", page).group(1))
