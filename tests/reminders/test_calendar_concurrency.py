"""Calendar feeds are read by calendar applications at any moment, many at once, while people
work: a fetch never fails because of a write. Use is noted at most once a day, after the read,
and a note that cannot be written does not fail the fetch. Real commits from many connections."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from gplan.extensions import db
from gplan.models import CalendarFeed, Task
from gplan.reminders.calendar import feed_url, new_feed
from gplan.timeutil import LOCAL_TZ, utcnow
from tests.helpers import body, focal_email, seed_plan_and_accounts, user

READERS = 8
FETCHES = 12
WRITERS = 3
BODIES = [
    "health",
    "police",
    "justice",
    "finance",
    "education",
    "dolisa",
    "home-affairs",
    "culture-sports-tourism",
]


def _path(feed: CalendarFeed) -> str:
    return feed_url(feed).removeprefix("http://gplan.test")


@pytest.fixture
def feeds(fresh_app):
    fresh_app.test_client_class = FlaskClient
    with fresh_app.app_context():
        seed_plan_and_accounts()
        paths = {key: _path(new_feed(user(focal_email(key)))) for key in BODIES[:READERS]}
        task_ids = {
            key: db.session.scalars(select(Task.id).where(Task.body_id == body(key).id)).all()
            for key in BODIES
        }
        db.session.commit()
        db.session.remove()
    return fresh_app, paths, task_ids


def _last_used(app, key: str):
    with app.app_context():
        value = db.session.scalar(
            select(CalendarFeed.last_used_at).where(CalendarFeed.user_id == user(focal_email(key)).id)
        )
        db.session.remove()
        return value


@pytest.mark.committing
def test_many_readers_and_writers_at_once_never_fail(feeds):
    app, paths, task_ids = feeds
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(READERS + WRITERS)

    def reader(path: str) -> None:
        client = app.test_client()
        start.wait()
        for _ in range(FETCHES):
            try:
                status = client.get(path).status_code
            except Exception as error:  # the testing app raises instead of answering 500
                status = repr(error)[:120]
            with lock:
                statuses[status] += 1

    def writer(key: str) -> None:
        start.wait()
        for round_ in range(FETCHES):
            try:
                with app.app_context():
                    for task_id in task_ids[key][:5]:
                        db.session.execute(
                            update(Task).where(Task.id == task_id).values(note=f"ghi chú {round_}")
                        )
                    db.session.commit()
                    db.session.remove()
            except Exception as error:  # the test reports every failure
                with lock:
                    errors.append(repr(error))

    threads = [threading.Thread(target=reader, args=(path,)) for path in paths.values()]
    threads += [threading.Thread(target=writer, args=(key,)) for key in BODIES[:WRITERS]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    assert statuses == Counter({200: READERS * FETCHES}), statuses
    assert not errors, errors[:3]
    for key in paths:
        assert _last_used(app, key) is not None, key  # each use was noted


@pytest.mark.committing
def test_use_is_noted_once_a_day(feeds):
    app, paths, _ = feeds
    client = app.test_client()
    path = paths["health"]
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ), tick=False) as clock:
        assert client.get(path).status_code == 200
        first = _last_used(app, "health")
        assert first == utcnow()
        clock.shift(timedelta(hours=15, minutes=59))  # 23:59 the same day in Hải Dương
        assert client.get(path).status_code == 200
        assert _last_used(app, "health") == first
        clock.shift(timedelta(minutes=2))  # the next day
        assert client.get(path).status_code == 200
        assert _last_used(app, "health") == utcnow()


@pytest.mark.committing
def test_a_fetch_succeeds_while_the_use_cannot_be_written(feeds):
    """Another connection holds the lock the note needs: the calendar is served anyway, quickly."""
    app, paths, _ = feeds
    result: dict = {}
    with app.app_context():
        holder = db.engine.connect()
        feed_owner = user(focal_email("police")).id
        db.session.remove()
    try:
        holder.begin()  # outside a request, on SQLite: BEGIN IMMEDIATE, the database's write lock
        if holder.dialect.name != "sqlite":
            holder.execute(
                text("SELECT 1 FROM calendar_feed WHERE user_id = :id FOR UPDATE"), {"id": feed_owner}
            )

        def fetch() -> None:
            began = time.monotonic()
            response = app.test_client().get(paths["police"])
            result["status"], result["seconds"] = response.status_code, time.monotonic() - began
            result["calendar"] = response.data.startswith(b"BEGIN:VCALENDAR")

        thread = threading.Thread(target=fetch)
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the fetch waited for the lock"
    finally:
        holder.rollback()
        holder.close()
    assert result["status"] == 200 and result["calendar"]
    assert result["seconds"] < 10
    assert _last_used(app, "police") is None  # not noted this time; the next fetch will
