"""The focal point's task list and task page: grouping, ticking, history, evidence."""

import io
import re
from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Body, Plan, Task
from gplan.plans.queries import task_holding_bodies
from gplan.timeutil import LOCAL_TZ
from tests.helpers import COORDINATOR_EMAIL, focal_email, login, submit, task_of


@pytest.fixture
def june_2018():
    with time_machine.travel(datetime(2018, 6, 10, 9, 30, tzinfo=LOCAL_TZ), tick=False):
        yield date(2018, 6, 10)


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start)
    return page[start : end if end > 0 else None]


def test_my_tasks_are_grouped_by_urgency(client, seed, june_2018):
    login(client, focal_email("dolisa"))
    page = client.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    overdue = _section(page, "h-overdue")
    soon = _section(page, "h-soon")
    later = _section(page, "h-later")
    annual_plan_2018 = task_of("dolisa", "IV.1.b", "2018")
    half_year_2018 = task_of("dolisa", "IV.1.d", "2018:half_year_report")
    action_month = task_of("dolisa", "II.1.b.6", "2018")
    assert f"/tasks/{annual_plan_2018.id}" in overdue
    assert f"/tasks/{half_year_2018.id}" in soon  # due 15/06, within 14 days
    assert f"/tasks/{action_month.id}" in later
    assert "15/11/2018 – 15/12/2018" in later
    assert "IV.1.b" in overdue and "Quá hạn" in overdue
    # Other bodies' tasks never appear.
    assert f"/tasks/{task_of('finance', 'IV.4.a', '2018').id}" not in page


def test_filters_by_year_and_activity(client, seed, june_2018):
    login(client, focal_email("dolisa"))
    from tests.helpers import plan

    the_plan = plan(seed)
    evaluation = next(a for a in the_plan.activities if a.number == 5)
    page = client.get(f"/p/{seed.plan_id}/tasks?year=2020&activity={evaluation.id}").get_data(as_text=True)
    assert f"/tasks/{task_of('dolisa', 'II.5.b.3', '2020').id}" in page
    assert f"/tasks/{task_of('dolisa', 'II.5.b.2', '2018').id}" not in page
    assert f"/tasks/{task_of('dolisa', 'II.1.b.6', '2020').id}" not in page
    malformed = client.get(f"/p/{seed.plan_id}/tasks?year=abc")
    current = client.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    assert malformed.status_code == 200  # the year is ignored: what matters now is listed
    assert re.findall(r"/tasks/\d+", malformed.get_data(as_text=True)) == re.findall(r"/tasks/\d+", current)


def test_tick_done_with_note_and_link_shows_in_history_and_for_the_coordinator(app, client, june_2018):
    task = task_of("dolisa", "IV.1.d", "2018:half_year_report")
    login(client, focal_email("dolisa"))
    response = submit(
        client,
        f"/tasks/{task.id}",
        {
            "progress": "done",
            "note": "Đã gửi báo cáo 6 tháng",
            "evidence_url": "https://vb.haiduong.gov.vn/123",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task.progress == "done" and task.completed_on == date(2018, 6, 10)
    assert task.status_on(date(2018, 6, 10)) == "done_on_time"
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Đã gửi báo cáo 6 tháng" in page and "10/06/2018 09:30" in page
    assert "Chưa bắt đầu → Hoàn thành" in page

    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    seen = coordinator.get(f"/p/{task.plan_id}/tasks?body={task.body_id}").get_data(as_text=True)
    assert f"/tasks/{task.id}" in _section(seen, "h-done")
    assert "Hoàn thành đúng hạn" in coordinator.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_done_after_the_deadline_is_done_late_and_undo_reopens(client, june_2018):
    task = task_of("dolisa", "IV.1.b", "2018")  # due 31/01/2018
    login(client, focal_email("dolisa"))
    submit(client, f"/tasks/{task.id}", {"progress": "done"})
    db.session.expire_all()
    assert db.session.get(Task, task.id).status_on(date(2018, 6, 10)) == "done_late"
    submit(client, f"/tasks/{task.id}", {"progress": "in_progress", "note": "Cần bổ sung"})
    db.session.expire_all()
    reopened = db.session.get(Task, task.id)
    assert reopened.progress == "in_progress" and reopened.completed_on is None
    assert reopened.status_on(date(2018, 6, 10)) == "overdue"
    assert [e.to_progress for e in reopened.events] == ["in_progress", "done"]


def test_evidence_file_is_stored_and_served_only_to_who_may_see(app, client, june_2018):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, focal_email("health"))
    response = submit(
        client,
        f"/tasks/{task.id}",
        {"progress": "in_progress", "evidence_file": (io.BytesIO(b"%PDF-1.4 report"), "Báo cáo y tế.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    download = client.get(f"/tasks/{task.id}/evidence")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 report"
    assert "B%C3%A1o%20c%C3%A1o%20y%20t%E1%BA%BF.pdf" in download.headers["Content-Disposition"]
    stranger = app.test_client()
    login(stranger, focal_email("police"))
    assert stranger.get(f"/tasks/{task.id}/evidence").status_code == 403


def test_the_evidence_download_keeps_the_name_in_ascii_and_in_utf8(client, june_2018):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, focal_email("health"))
    name = "Tháng hành động Đợt 2.pdf"
    upload = {"progress": "in_progress", "evidence_file": (io.BytesIO(b"%PDF-1.4"), name)}
    submit(client, f"/tasks/{task.id}", upload, content_type="multipart/form-data")
    header = client.get(f"/tasks/{task.id}/evidence").headers["Content-Disposition"]
    assert header.startswith("attachment;")
    assert 'filename="Thang hanh dong Dot 2.pdf"' in header  # for browsers without filename*
    assert "filename*=UTF-8''Th%C3%A1ng%20h%C3%A0nh%20%C4%91%E1%BB%99ng%20%C4%90%E1%BB%A3t%202.pdf" in header


def test_invalid_input_keeps_what_was_typed(client, june_2018):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, focal_email("health"))
    too_big = io.BytesIO(b"x" * (250 * 1024))
    response = submit(
        client,
        f"/tasks/{task.id}",
        {
            "progress": "done",
            "note": "Ghi chú dài của tôi",
            "evidence_url": "not a link",
            "evidence_file": (too_big, "big.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ghi chú dài của tôi" in page and 'value="not a link"' in page
    assert "http://" in page  # the message says what a link looks like
    assert "MB" in page  # the size message
    db.session.expire_all()
    assert db.session.get(Task, task.id).progress == "not_started"


def test_wrong_file_type_and_unknown_progress_are_refused(client, june_2018):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, focal_email("health"))
    response = submit(
        client,
        f"/tasks/{task.id}",
        {"progress": "done", "evidence_file": (io.BytesIO(b"MZ"), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    response = submit(client, f"/tasks/{task.id}", {"progress": "finished"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Task, task.id).progress == "not_started"


def test_coordinator_picks_a_body_first(client, seed):
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    assert "Ủy ban nhân dân huyện Bình Giang" in page
    assert client.get(f"/p/{seed.plan_id}/tasks?body=99999").status_code == 404


def test_a_bodys_list_opens_for_the_bodies_holding_tasks_and_no_other(client, seed):
    plan = db.session.get(Plan, seed.plan_id)
    holding = {b.id for b in task_holding_bodies(plan)}
    everyone = db.session.scalars(select(Body).where(Body.jurisdiction == plan.jurisdiction)).all()
    assert any(b.is_group for b in everyone) and any(b.parent_id for b in everyone)
    assert 0 < len(holding) < len(everyone)
    login(client, COORDINATOR_EMAIL)
    for body in everyone:
        expected = 200 if body.id in holding else 404
        assert client.get(f"/p/{seed.plan_id}/tasks?body={body.id}").status_code == expected, body.key


def test_date_near_midnight_uses_the_local_day(client):
    task = task_of("finance", "IV.4.a", "2019")  # due 31/01/2019
    # 31/01 23:30 in Hà Nội is still 16:30 UTC on 31/01; 01/02 00:30 local is 31/01 17:30 UTC.
    with time_machine.travel(datetime(2019, 2, 1, 0, 30, tzinfo=LOCAL_TZ), tick=False):
        login(client, focal_email("finance"))
        submit(client, f"/tasks/{task.id}", {"progress": "done"})
    db.session.expire_all()
    done = db.session.get(Task, task.id)
    assert done.completed_on == date(2019, 2, 1)
    assert done.completed_at.tzinfo is not None
    assert done.status_on(date(2019, 2, 1)) == "done_late"


def test_a_note_can_be_added_without_changing_state(client, june_2018):
    task = task_of("education", "IV.8.a", "2018:annual_report")
    login(client, focal_email("education"))
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="not_started"', page)  # "keep as is" is chosen by default
    response = submit(client, f"/tasks/{task.id}", {"progress": "not_started"})
    assert response.status_code == 200
    assert "Chọn trạng thái mới, hoặc thêm ghi chú hay minh chứng." in response.get_data(as_text=True)
    response = submit(
        client, f"/tasks/{task.id}", {"progress": "not_started", "note": "Chờ hướng dẫn của Sở"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Task, task.id)
    assert kept.progress == "not_started" and kept.note == "Chờ hướng dẫn của Sở"
    assert [(e.from_progress, e.to_progress) for e in kept.events] == [("not_started", "not_started")]


def test_each_card_names_its_dutys_lead_and_coordinating_bodies_in_the_dutys_order(client, seed, june_2018):
    login(client, focal_email("health"))
    page = client.get(f"/p/{seed.plan_id}/tasks?year=2018&per_page=200").get_data(as_text=True)
    cards = re.findall(r'href="/tasks/(\d+)".*?</li>', page, re.S)
    assert cards
    with_partners = 0
    for match in re.finditer(r'href="/tasks/(\d+)"(.*?)</li>', page, re.S):
        duty = db.session.get(Task, int(match.group(1))).responsibility
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2)))
        for word, bodies in (("Chủ trì", duty.leads), ("Phối hợp", duty.coordinating)):
            if bodies:
                assert f"{word}: {'; '.join(b.name for b in bodies)}" in shown
            else:
                assert f"{word}:" not in shown
        with_partners += bool(duty.coordinating) and len(duty.coordinating) > 1
    assert with_partners  # some duty has several, so their order is seen
