"""Lists read their tasks as plain rows, and say of them exactly what full tasks would say."""

import gc
from datetime import date, datetime, timedelta

import time_machine
from flask_babel import force_locale

from gplan.api.task_schemas import TaskSchema
from gplan.extensions import db
from gplan.i18n import label, translations
from gplan.memory import freeze_loaded_app
from gplan.models import Task
from gplan.tasks.admin import extend_deadline
from gplan.tasks.progress import record_progress
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.vocabulary import TaskProgress, TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.helpers import COORDINATOR_EMAIL, body, focal_email, login, plan, task_of, user

MID_2018 = datetime(2018, 6, 1, 9, 0, tzinfo=LOCAL_TZ)


def _vary_health_tasks():
    """Health's tasks in every state: done on time and late with notes and links, extended,
    in progress, untouched."""
    focal = user(focal_email("health"))
    coordinator = user(COORDINATOR_EMAIL)
    with time_machine.travel(datetime(2017, 12, 1, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        done = task_of("health", "IV.7.a", "2017:annual_report")
        record_progress(done, focal, TaskProgress.DONE, "Đã gửi báo cáo", "https://example.org/bc")
    with time_machine.travel(MID_2018, tick=False):
        tasks = sorted(
            db.session.scalars(db.select(Task).filter_by(body_id=body("health").id, year=2018)),
            key=lambda t: t.due_on,
        )
        record_progress(tasks[-1], focal, TaskProgress.IN_PROGRESS, "Đang làm")
        extend_deadline(coordinator, tasks[0], tasks[0].due_on + timedelta(days=45), "Thêm thời gian")
    db.session.commit()


def test_the_api_task_list_writes_what_its_schema_documents(client):
    _vary_health_tasks()
    headers = bearer(COORDINATOR_EMAIL)
    with time_machine.travel(MID_2018, tick=False):
        answer = client.get(f"/api/v1/tasks?body={body('health').id}&per_page=200", headers=headers)
        listed = answer.get_json()["items"]
        assert len(listed) > 10
        schema = TaskSchema()
        for item in listed:
            assert item == schema.dump(db.session.get(Task, item["id"])), item["id"]
        assert {t["status"] for t in listed} >= {"done_on_time", "in_progress", "overdue", "not_started"}
    # Vietnamese letters travel as UTF-8, not escaped one by one.
    assert "Sở Y tế".encode() in answer.data or body("health").name.encode() in answer.data
    assert b"\\u" not in answer.data


def test_a_row_has_the_status_and_dates_of_its_task(app):
    _vary_health_tasks()
    viewer = user(focal_email("health"))
    for today in (date(2016, 12, 31), date(2018, 6, 1), date(2018, 7, 20), date(2021, 1, 1)):
        query = TaskQuery(viewer, TaskFilters(body_id=body("health").id), today)
        page = query.page(1, 200)
        assert page.items and not isinstance(page.items[0], Task)
        for row in page.items:
            task = db.session.get(Task, row.id)
            assert row.status_on(today) == task.status_on(today)
            assert (row.deadline, row.days_late(today), row.is_window) == (
                task.deadline,
                task.days_late(today),
                task.is_window,
            )
            assert (row.responsibility.ref, row.responsibility.text, row.body) == (
                task.responsibility.ref,
                task.responsibility.text,
                task.body,
            )
        sections = query.sectioned_page(1, 50)
        for name, rows in sections.tasks.items():
            for row in rows:
                task = db.session.get(Task, row.id)
                assert row.responsibility.leads == task.responsibility.leads, name


def test_the_focal_list_shows_the_status_labels_in_the_users_language(client, seed):
    _vary_health_tasks()
    with time_machine.travel(MID_2018, tick=False):
        login(client, focal_email("health"))
        page = client.get(f"/p/{plan(seed).id}/tasks?year=2018").get_data(as_text=True)
    assert TaskStatus.OVERDUE.css_class in page
    with client.application.test_request_context():
        assert str(label(TaskStatus.OVERDUE)) in page


def test_labels_and_strings_follow_a_forced_locale_within_a_request(app):
    with app.test_request_context():
        vietnamese = str(label(TaskStatus.OVERDUE))
        with force_locale("en"):
            english = str(label(TaskStatus.OVERDUE))
            assert translations().ugettext("Deadline") == "Deadline"
        assert english == "Overdue" and vietnamese != english
        assert str(label(TaskStatus.OVERDUE)) == vietnamese
        assert translations().ugettext("Deadline") != "Deadline"


def test_the_loaded_app_is_kept_out_of_garbage_collection(app):
    try:
        freeze_loaded_app()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
