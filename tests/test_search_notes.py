"""A task is found by any note written on it: its history's notes, its thread's comments and
its submissions' narratives, not only its latest note; only by those who may see the task.
``flask search rebuild`` rebuilds the index from the tables."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select, text

from gplan.extensions import db
from gplan.models import Task
from gplan.models.search_index import SOURCES
from gplan.tasks import review
from gplan.tasks.comments import add_comment
from gplan.tasks.progress import record_progress
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.search import parse
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import LOCAL_TZ, local_today
from tests.api_support import bearer
from tests.helpers import COORDINATOR_EMAIL, body, focal_email, login, plan, user


@pytest.fixture
def nov_2018():
    with time_machine.travel(datetime(2018, 11, 26, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        yield


def health_task(seed) -> Task:
    return db.session.scalar(
        select(Task).where(Task.plan_id == seed.plan_id, Task.body_id == body("health").id).order_by(Task.id)
    )


def api_ids(client, seed, email: str, typed: str) -> set[int]:
    response = client.get(
        "/api/v1/tasks",
        query_string={"plan": seed.plan_id, "q": typed, "per_page": 200},
        headers=bearer(email),
    )
    assert response.status_code == 200
    return {t["id"] for t in response.get_json()["items"]}


def page_finds(client, url: str, typed: str, task: Task) -> bool:
    page = client.get(url, query_string={"q": typed}).get_data(as_text=True)
    return f'href="/tasks/{task.id}"' in page


def test_a_task_is_found_by_a_comment_a_narrative_and_an_earlier_note(app, client, seed, nov_2018):
    plan(seed).review_required = True
    task, focal = health_task(seed), user(focal_email("health"))
    record_progress(task, focal, TaskProgress.IN_PROGRESS, "Chờ chị Quỳnh ký tờ trình")
    add_comment(task, focal, "Xin hướng dẫn về mẫu biểu Phụ lục Ất")
    review.submit(task, focal, "Đã tổ chức hội nghị Phượng Hoàng 8842")
    db.session.commit()
    for typed in ("quynh ky to trinh", "phu luc at", "phuong hoang 8842", "Phượng Hoàng 88"):
        assert api_ids(client, seed, COORDINATOR_EMAIL, typed) == {task.id}, typed
        assert api_ids(client, seed, focal_email("health"), typed) == {task.id}, typed
    login(client, focal_email("health"))
    assert page_finds(client, f"/p/{seed.plan_id}/tasks", "phu luc at", task)
    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    assert page_finds(coordinator, f"/p/{seed.plan_id}/progress/tasks", "phuong hoang 8842", task)
    assert page_finds(coordinator, f"/p/{seed.plan_id}/progress/bodies/{body('health').id}", "phu luc", task)


def test_another_body_does_not_find_the_task_through_its_notes(client, seed, nov_2018):
    task, focal = health_task(seed), user(focal_email("health"))
    add_comment(task, focal, "Hồ sơ mật của Sở Y tế số 4711")
    add_comment(task, user(COORDINATOR_EMAIL), "Trả lời về hồ sơ 4711")
    db.session.commit()
    assert api_ids(client, seed, focal_email("health"), "4711") == {task.id}
    assert api_ids(client, seed, focal_email("education"), "4711") == set()
    assert api_ids(client, seed, focal_email("education"), "ho so mat") == set()
    login(client, focal_email("education"))
    assert not page_finds(client, f"/p/{seed.plan_id}/tasks", "4711", task)


def found(seed, typed: str) -> set[int]:
    filters = TaskFilters(plan_id=seed.plan_id, search=parse(typed))
    return {t.id for t in TaskQuery(user(COORDINATOR_EMAIL), filters, local_today()).all()}


def test_a_comment_rolled_back_is_not_found(seed, nov_2018):
    task = health_task(seed)
    savepoint = db.session.begin_nested()
    add_comment(task, user(focal_email("health")), "Ghi chú tạm Bồ Đề 5531")
    assert found(seed, "bo de 5531") == {task.id}
    savepoint.rollback()
    assert found(seed, "bo de 5531") == set()


# ---- flask search rebuild ----------------------------------------------------------------------


def _empty_the_index() -> None:
    """What a restore that skipped the index, or a damaged one, leaves: nothing to find."""
    if db.session.get_bind().dialect.name == "sqlite":
        for source in SOURCES:
            db.session.execute(text(f"DELETE FROM {source.name}"))
    else:
        for source in SOURCES:
            db.session.execute(text(f"DROP INDEX ix_{source.name}"))
        db.session.execute(text("DROP FUNCTION gplan_fold(text)"))


def test_the_rebuild_command_makes_the_index_whole_again(app, client, seed, nov_2018):
    task = health_task(seed)
    add_comment(task, user(focal_email("health")), "Biên bản kiểm tra Hà Nam")
    db.session.commit()
    tasks = db.session.scalar(select(db.func.count()).select_from(Task))
    before = api_ids(client, seed, COORDINATOR_EMAIL, "bao cao")
    assert before and api_ids(client, seed, COORDINATOR_EMAIL, "bien ban ha nam") == {task.id}
    _empty_the_index()
    db.session.commit()
    if db.session.get_bind().dialect.name == "sqlite":
        assert api_ids(client, seed, COORDINATOR_EMAIL, "bao cao") == set()
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert f"{tasks} tasks" in result.output
    assert api_ids(client, seed, COORDINATOR_EMAIL, "bao cao") == before
    assert api_ids(client, seed, COORDINATOR_EMAIL, "bien ban ha nam") == {task.id}
    # The index is kept again afterwards: the triggers are back.
    add_comment(task, user(focal_email("health")), "Đoàn kiểm tra số 6613")
    db.session.commit()
    assert api_ids(client, seed, COORDINATOR_EMAIL, "kiem tra 6613") == {task.id}
