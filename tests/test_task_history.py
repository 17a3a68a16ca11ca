"""A task's history reads the same wherever it is shown: the task page and the coordinator's
drill-down into a body render every kind of entry through one partial."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import time_machine

from gplan.templating import format_date
from gplan.timeutil import LOCAL_TZ
from tests.helpers import COORDINATOR_EMAIL, body, count_statements, focal_email, login, submit, task_of

MID_2018 = datetime(2018, 6, 1, 9, 0, tzinfo=LOCAL_TZ)


def _history(page: str, task_id: int) -> str:
    """The text of the history list following the task's link (the task page holds only one)."""
    start = page.index(f'href="/tasks/{task_id}"') if "task-history" in page else 0
    match = re.search(r'<ol class="(?:task-)?history"[^>]*>(.*?)</ol>', page[start:], re.S)
    assert match, "no history shown"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_an_extension_and_a_progress_change_read_the_same_on_both_pages(app, client, seed):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    original = format_date(task.due_on)
    with time_machine.travel(MID_2018, tick=False):
        focal = app.test_client()
        login(focal, focal_email("health"))
        data = {
            "progress": "in_progress",
            "note": "Đang tổng hợp số liệu",
            "evidence_url": "https://syt.example.vn/a",
        }
        assert submit(focal, f"/tasks/{task.id}", data).status_code == 302
        login(client, COORDINATOR_EMAIL)
        data = {"deadline": "2019-01-15", "reason": "Chờ số liệu thống kê"}
        assert submit(client, f"/admin/tasks/{task.id}/extend", data).status_code == 302
        task_page = _history(focal.get(f"/tasks/{task.id}").get_data(as_text=True), task.id)
        url = f"/p/{seed.plan_id}/progress/bodies/{body('health').id}?year=2018"
        body_page = _history(client.get(url).get_data(as_text=True), task.id)
    assert task_page == body_page
    extension = f"Gia hạn từ {original} đến 15/01/2019 Chờ số liệu thống kê"
    progress = (
        "Chưa bắt đầu → Đang thực hiện Đang tổng hợp số liệu Đường dẫn minh chứng: https://syt.example.vn/a"
    )
    assert extension in body_page and progress in body_page
    assert body_page.index(extension) < body_page.index(progress)  # newest first
    assert "None" not in body_page


def test_a_task_page_reads_only_the_threads_that_have_something(app, client, seed):
    """Most tasks have no history, submission, request or comment yet: their page asks the
    database for none of them, and for the duty's bodies at once; once a thread has something,
    the page reads and shows it."""
    task = task_of("health", "IV.7.a", "2018:annual_report")
    url = f"/tasks/{task.id}"
    with time_machine.travel(MID_2018, tick=False):
        login(client, COORDINATOR_EMAIL)
        count_statements(client, url)  # warm up, as a later visit would find it
        empty = count_statements(client, url)
        # The user; the task with its plan, duty, body and whether each thread has anything;
        # the duty's lead and coordinating bodies, however many; the report's recipient.
        assert empty <= 4
        assert "Chưa có thay đổi nào." in client.get(url).get_data(as_text=True)
        said = "Sở Y tế gửi số liệu trước ngày 10/12"
        assert submit(client, f"{url}/comments", {"text": said}, page=url).status_code == 302
        assert count_statements(client, url) == empty + 2  # the comments and their authors
        assert said in client.get(url).get_data(as_text=True)
        data = {"progress": "in_progress", "note": "Đang tổng hợp", "evidence_url": ""}
        assert submit(client, url, data).status_code == 302
        assert count_statements(client, url) == empty + 3  # and the history
        assert "Đang tổng hợp" in _history(client.get(url).get_data(as_text=True), task.id)
