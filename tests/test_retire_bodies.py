"""Retiring a body abolished or merged in a reform: open tasks moved with their history or
closed with the reason, and kept, shown closed, neither overdue nor reminded; done tasks kept
for the reports; no new tasks."""

import csv
import io
import re
from collections import Counter
from datetime import date, datetime

import pytest
import time_machine
from docx import Document
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Task
from gplan.plans.retire import retire_body
from gplan.reminders.planner import due_reminders
from gplan.reporting import overview as per_body
from gplan.tasks.progress import record_progress
from gplan.tasks.sync import sync_tasks
from gplan.tasks.vocabulary import TaskEventKind, TaskStatus
from gplan.timeutil import LOCAL_TZ, local_today
from gplan.validation import InputError
from tests.coordinator_support import first_number, python_counts, row_of, table_rows
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
from tests.test_task_tally import counted_rows, tally_rows


def assert_tally_equals_tasks(plan_id: int) -> None:
    db.session.expire_all()
    assert tally_rows(plan_id) == counted_rows(plan_id)


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
    assert f"Trong số sẽ được đóng, {len(open_ids)} nhiệm vụ đã quá hạn vào ngày" in before
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
    # the retired body's list (all past their deadline by then: closed when overdue); none is
    # overdue-listed any more, and none is reminded.
    page = coordinator.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Đã đóng khi quá hạn" in page and "đóng từ 01/07/2025: Giải thể cấp huyện" in page
    assert "Đang triển khai" in page  # what the body had written stays
    api = coordinator.get(f"/api/v1/tasks/{task.id}").get_json()
    assert (api["status"], api["closed_on"], api["closed_reason"]) == (
        "closed_late",
        "2025-07-01",
        "Giải thể cấp huyện",
    )
    listed = coordinator.get(f"/p/{seed.plan_id}/progress/bodies/{tu_ky.id}?year=2019").get_data(as_text=True)
    assert "đóng từ 01/07/2025: Giải thể cấp huyện" in listed
    # The body's own list counts them apart and lists them last, by deadline, page by page.
    page_url, shown = f"/p/{seed.plan_id}/tasks?body={tu_ky.id}&per_page=5", []
    while page_url:
        sectioned = coordinator.get(page_url).get_data(as_text=True)
        heading = re.search(r'id="h-closed">[^<]*<span class="count">(\d+)</span>', sectioned)
        assert heading and int(heading.group(1)) == len(open_ids)
        part = sectioned[sectioned.index('id="h-closed"') :]
        shown += [int(i) for i in re.findall(r'class="task-title" href="/tasks/(\d+)"', part)]
        following = re.search(r'<a href="([^"]+)" rel="next">', sectioned)
        page_url = following.group(1).replace("&amp;", "&") if following else None
    assert shown == [t.id for t in sorted(closed, key=lambda t: (t.deadline, t.id))]
    assert _overdue_of(coordinator, seed, tu_ky) == 0
    assert _overdue_total(coordinator, seed) == overdue_before - len(open_ids)
    assert not open_ids & _reminded(deadline)
    # The figures say so too, and equal counting the tasks one by one.
    today = local_today()
    counts = per_body.overview(plan(seed), today).total
    python = sum(python_counts(seed.plan_id, today).values(), Counter())
    assert {s: counts.count(s) for s in TaskStatus} == {s: python[s] for s in TaskStatus}
    assert counts.count(TaskStatus.CLOSED_LATE) == len(open_ids) and not counts.count(TaskStatus.CLOSED)

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


# ---- closed when overdue -------------------------------------------------------------------


def test_a_task_overdue_when_its_body_was_retired_stays_not_done_in_history(app, client, seed):
    """Tứ Kỳ did eight of its nine 2016 tasks and never the last (IV.15.g); it is merged on
    01/06/2018. The 2016 task and the others already past their deadline that day are closed
    when overdue: still not done, so 2016 stays at 8 of 9 rather than becoming complete. The
    2018 reports, not yet due then, are closed within their deadline and leave completion."""
    tu_ky, name = body("district-tu-ky"), "Ủy ban nhân dân huyện Tứ Kỳ"
    focal = user(focal_email("district-tu-ky"))
    tasks_2016 = db.session.scalars(select(Task).where(Task.body_id == tu_ky.id, Task.year == 2016)).all()
    never_done = task_of("district-tu-ky", "IV.15.g", "2016")
    with time_machine.travel(datetime(2016, 1, 20, 9, tzinfo=LOCAL_TZ), tick=False):
        for task in tasks_2016:
            if task.id != never_done.id:
                record_progress(task, focal, "done", "Đã hoàn thành")
    db.session.commit()
    not_yet_due = task_of("district-tu-ky", "IV.15.b", "2018:annual_report")  # due 10/12/2018
    overdue_2018 = task_of("district-tu-ky", "IV.0", "2018")  # due 31/01/2018

    with time_machine.travel(datetime(2018, 6, 1, 9, tzinfo=LOCAL_TZ), tick=False):
        login(client, ADMIN_EMAIL)
        url = f"/admin/bodies/{tu_ky.id}/retire"
        preview = client.get(url).get_data(as_text=True)
        # Past their deadline on the day: 2016's IV.15.g, all seven of 2017, 2018's IV.0.
        assert "Trong số sẽ được đóng, 9 nhiệm vụ đã quá hạn vào ngày 01/06/2018" in preview
        form = {"on": "01/06/2018", "reason": "Sáp nhập theo Nghị quyết 18", "successor": 0}
        assert submit(client, url, form).status_code == 302

    with time_machine.travel(datetime(2018, 11, 20, 9, tzinfo=LOCAL_TZ), tick=False):
        coordinator = app.test_client()
        login(coordinator, COORDINATOR_EMAIL)
        pages = {
            t: coordinator.get(f"/tasks/{t.id}").get_data(as_text=True) for t in (never_done, not_yet_due)
        }
        years = coordinator.get(f"/p/{seed.plan_id}/progress/bodies/{tu_ky.id}").get_data(as_text=True)
        listed = coordinator.get(f"/p/{seed.plan_id}/tasks?body={tu_ky.id}&year=2018").get_data(as_text=True)
        overview = coordinator.get(f"/p/{seed.plan_id}/progress?year=2016").get_data(as_text=True)
        heatmap = coordinator.get(f"/p/{seed.plan_id}/progress/years").get_data(as_text=True)
        export = coordinator.get(f"/p/{seed.plan_id}/export/overview.csv?year=2016")
        report = coordinator.get(f"/p/{seed.plan_id}/report/2016").get_data(as_text=True)
        word = coordinator.get(f"/p/{seed.plan_id}/province-report/annual/2016.docx")
        api = coordinator.get(f"/api/v1/tasks/{never_done.id}").get_json()
        spec = coordinator.get("/api/v1/openapi.json").get_json()

    assert '<span class="badge tone-overdue">Đã đóng khi quá hạn</span>' in pages[never_done]
    assert "đóng từ 01/06/2018: Sáp nhập theo Nghị quyết 18" in pages[never_done]
    assert '<span class="badge tone-idle">Đã đóng khi còn hạn</span>' in pages[not_yet_due]
    assert api["status"] == "closed_late"
    closed_section = listed[listed.index('id="h-closed"') :]  # the body's list: both, last
    assert "Đã đóng khi quá hạn</span>" in closed_section and "Đã đóng khi còn hạn</span>" in closed_section
    assert "closed_late" in str(spec)

    header = next(r for r in table_rows(years) if r and r[0] == "Năm")
    closed_late, closed = header.index("Đã đóng khi quá hạn"), header.index("Đã đóng khi còn hạn")
    y2016, y2018 = row_of(years, "2016"), row_of(years, "2018")
    assert (first_number(y2016[closed_late]), first_number(y2016[closed])) == (1, 0)
    assert y2016[-1].endswith("89%")  # 8 of 9, not 8 of 8
    assert (first_number(y2018[closed_late]), first_number(y2018[closed])) == (1, 6)
    assert y2018[-1].endswith("0%")  # the overdue one asked and not done; the six not yet due left out

    # The overview of 2016, its heatmap cell and its export say 8 of 9, naming the ninth.
    shown = row_of(overview, name)
    assert shown[1:3] == ["9", "8 89%"] and "1 11%" in shown and shown[-1].endswith("89%")
    assert "89% 8/9" in row_of(heatmap, name)
    assert "2016: 8/9 đã hoàn thành, 0 quá hạn, 1 đã đóng khi quá hạn" in heatmap
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    exported = dict(zip(rows[0], next(r for r in rows if r[1] == name), strict=True))
    assert (exported["Đã đóng khi quá hạn"], exported["Đã đóng khi còn hạn"]) == ("1", "0")
    assert exported["Tỷ lệ hoàn thành (%)"] == "88.9"
    # The printed report and the province's Word report say it, and list it with what is late.
    assert "1 nhiệm vụ đã được đóng khi đã quá hạn, do cơ quan ngừng hoạt động" in report
    section = report[report.index("Ủy ban nhân dân huyện Tứ Kỳ</h3>") :].split("</section>")[0]
    late = section.split("<h4>Nhiệm vụ quá hạn</h4>")[1]
    assert '<span class="ref">IV.15.g</span>' in late
    assert 'Đã đóng khi quá hạn, <span class="closed-note">đóng từ 01/06/2018' in late
    paragraphs = [p.text for p in Document(io.BytesIO(word.data)).paragraphs]
    assert any("1 nhiệm vụ đã được đóng khi đã quá hạn" in p for p in paragraphs)

    # Closed tasks stay out of the overdue list and the reminders, and the tally holds what
    # counting the tasks gives.
    assert overdue_2018.id not in _reminded(overdue_2018.deadline)
    with time_machine.travel(datetime(2018, 11, 20, 9, tzinfo=LOCAL_TZ), tick=False):
        assert _overdue_of(coordinator, seed, tu_ky) == 0
    assert_tally_equals_tasks(seed.plan_id)


def test_a_year_whose_every_task_was_closed_before_it_fell_due_is_not_shown_as_failed(app, client, seed):
    """Tứ Kỳ merged on 01/06/2018: its 2019 and 2020 tasks were closed before they fell due.
    Nothing was asked of it in those years, so the heatmap shows those cells apart (hatched,
    "—", how many closed), not in the colour of 0% done, and says why on hover; the legend
    names them. Where only some were closed in time (2018), the cell's fraction counts the
    tasks expected, as its share does."""
    tu_ky, name = body("district-tu-ky"), "Ủy ban nhân dân huyện Tứ Kỳ"
    admin = user(ADMIN_EMAIL)
    retire_body(admin, tu_ky, date(2018, 6, 1), "Sáp nhập theo Nghị quyết 18")
    db.session.commit()
    with time_machine.travel(datetime(2018, 11, 20, 9, tzinfo=LOCAL_TZ), tick=False):
        login(client, COORDINATOR_EMAIL)
        heatmap = client.get(f"/p/{seed.plan_id}/progress/years").get_data(as_text=True)
        export = client.get(f"/p/{seed.plan_id}/export/years.csv")
    row = heatmap[heatmap.index(f">{name}<") :].split("</tr>")[0]
    cells = {
        year: (step, text)
        for step, year, text in re.findall(
            r'<td class="heat (heat-[\w-]+)"><a [^>]*title="[^"]*, (\d{4}):[^"]*">(.*?)</a>', row
        )
    }
    closed_2019, closed_2020 = _closed(tu_ky.id, 2019, in_time=True), _closed(tu_ky.id, 2020, in_time=True)
    assert cells["2019"] == ("heat-closed", f"— <small>{closed_2019} đã đóng</small>")
    assert cells["2020"] == ("heat-closed", f"— <small>{closed_2020} đã đóng</small>")
    assert f"Tứ Kỳ, 2019: {closed_2019} đã đóng khi còn hạn" in row
    assert cells["2016"][0] == "heat-0"  # asked, overdue when closed, never done
    late_2018, in_time_2018 = _closed(tu_ky.id, 2018, in_time=False), _closed(tu_ky.id, 2018, in_time=True)
    assert late_2018 and in_time_2018
    assert cells["2018"][1].startswith(f"0% <small>0/{late_2018}")
    assert f"Tứ Kỳ, 2018: 0/{late_2018} đã hoàn thành" in row
    assert f"{late_2018} đã đóng khi quá hạn, {in_time_2018} đã đóng khi còn hạn" in row
    assert "Mọi nhiệm vụ đã đóng trước khi đến hạn (cơ quan ngừng hoạt động)" in heatmap
    # The export's sheet by year says the same, with the tasks closed in time in a column of
    # their own, so that its completion share can be redone from its own figures.
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    exported = next(r for r in rows if r["Cơ quan, đơn vị"] == name)
    year_2018 = [
        exported[f"Năm 2018 - {h}"]
        for h in ("Tổng số", "Đã hoàn thành", "Quá hạn", "Đã đóng khi còn hạn", "Tỷ lệ hoàn thành (%)")
    ]
    assert year_2018 == [str(late_2018 + in_time_2018), "0", "0", str(in_time_2018), "0.0"]
    assert exported["Năm 2019 - Đã đóng khi còn hạn"] == str(closed_2019)
    assert exported["Năm 2019 - Tỷ lệ hoàn thành (%)"] == ""


def _closed(body_id: int, year: int, *, in_time: bool) -> int:
    """How many of the body's tasks of ``year`` were closed before (or after) their deadline."""
    before = Task.closed_on <= Task.deadline
    return db.session.scalar(
        select(func.count(Task.id)).where(
            Task.body_id == body_id,
            Task.year == year,
            Task.closed_on.is_not(None),
            before if in_time else ~before,
        )
    )


# ---- the plan's placeholder is no successor ----------------------------------------------------


def test_the_plans_placeholder_is_never_offered_or_taken_as_successor(app, client, seed):
    """The plan's "Các sở, ban, ngành, đơn vị liên quan" (``placeholder: true`` in the file)
    names no body that could take work over: the page does not offer it, and retiring refuses
    it, whoever asks; the women's committee, named only as coordinating too, is a real body."""
    related, tu_ky = body("related-bodies"), body("district-tu-ky")
    assert related.is_placeholder and not body("women-committee").is_placeholder
    login(client, ADMIN_EMAIL)
    url = f"/admin/bodies/{tu_ky.id}/retire"
    page = client.get(url).get_data(as_text=True)
    choices = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', page)
    offered = {int(value) for value, _ in choices}
    assert related.id not in offered and "Các sở, ban, ngành, đơn vị liên quan" not in page
    assert body("health").id in offered and body("women-committee").id in offered
    forged = {"on": "01/06/2018", "reason": "Sáp nhập", "successor": related.id}
    assert submit(client, url, forged).status_code == 422
    db.session.expire_all()
    assert body("district-tu-ky").retired_on is None

    with pytest.raises(InputError) as refused:
        retire_body(user(ADMIN_EMAIL), tu_ky, date(2018, 6, 1), "Sáp nhập", related)
    assert refused.value.field == "successor"
    assert "là cách gọi chung, không phải một cơ quan cụ thể" in refused.value.message
    assert tu_ky.retired_on is None
