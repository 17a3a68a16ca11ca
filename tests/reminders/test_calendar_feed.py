"""The private calendar feed: it parses, holds exactly the body's deadlines, and can be revoked."""

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Task
from gplan.plans.retire import retire_body
from tests.helpers import ADMIN_EMAIL, focal_email, login, submit, user
from tests.helpers import body as body_of

BODY = "culture-sports-tourism"  # has the Action Month (a window with a later report)


def _feed_path(client) -> str:
    page = client.get("/profile/reminders").get_data(as_text=True)
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page)
    assert match, "no calendar address on the profile page"
    return match.group(1).removeprefix("http://gplan.test")


def _events(app, path: str) -> list:
    response = app.test_client().get(path)  # a calendar application: no sign-in
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


def _expected(body_key: str) -> set[tuple[str, date, date]]:
    """Every task of the body: its deadline, and a window's dates as well."""
    expected = set()
    tasks = db.session.scalars(select(Task).where(Task.body_id == body_of(body_key).id))
    for task in tasks:
        if task.is_window:
            expected.add((f"task-{task.id}-window", task.starts_on, task.ends_on + timedelta(days=1)))
            if task.deadline == task.ends_on:
                continue
        expected.add((f"task-{task.id}", task.deadline, task.deadline + timedelta(days=1)))
    return expected


def test_feed_holds_exactly_the_bodys_deadlines_and_windows(app, client):
    login(client, focal_email(BODY))
    assert submit(client, "/profile/calendar", {}, page="/profile/reminders").status_code == 302

    events = _events(app, _feed_path(client))

    got = {(str(e["uid"]).split("@")[0], e.decoded("dtstart"), e.decoded("dtend")) for e in events}
    assert got == _expected(BODY)
    assert all(type(e.decoded("dtstart")) is date for e in events)  # all-day: no time-zone drift
    action_month = [e for e in events if e.decoded("dtstart") == date(2018, 11, 15)]
    assert len(action_month) == 1 and action_month[0].decoded("dtend") == date(2018, 12, 16)
    assert any(e.decoded("dtstart") == date(2018, 12, 20) for e in events)  # its report to the department


def test_a_new_address_retires_the_old_one_and_a_revoked_one_is_gone(app, client):
    login(client, focal_email(BODY))
    submit(client, "/profile/calendar", {}, page="/profile/reminders")
    old = _feed_path(client)

    submit(client, "/profile/calendar", {}, page="/profile/reminders")
    new = _feed_path(client)

    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert _events(app, new)
    assert submit(client, "/profile/calendar/revoke", {}, page="/profile/reminders").status_code == 302
    assert app.test_client().get(new).status_code == 404
    assert 'id="feed-url"' not in client.get("/profile/reminders").get_data(as_text=True)
    assert app.test_client().get("/calendar/not-a-token.ics").status_code == 404


def test_a_disabled_account_feed_stops_working(app, client):
    login(client, focal_email(BODY))
    submit(client, "/profile/calendar", {}, page="/profile/reminders")
    path = _feed_path(client)
    user(focal_email(BODY)).is_enabled = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_the_coordinators_feed_summarises_every_body(app, client):
    user(ADMIN_EMAIL).locale = "en"
    db.session.commit()
    login(client, ADMIN_EMAIL)
    submit(client, "/profile/calendar", {}, page="/profile/reminders")

    events = _events(app, _feed_path(client))

    annual_reports = [e for e in events if e.decoded("dtstart") == date(2018, 12, 10)]
    tasks_that_day = db.session.scalars(select(Task).where(Task.due_on == date(2018, 12, 10))).all()
    assert len(annual_reports) == len({t.responsibility_id for t in tasks_that_day})
    summaries = [str(e["summary"]) for e in annual_reports]
    assert all(re.search(r"— \d+ bod(y|ies), \d+ not done$", s) for s in summaries), summaries
    assert sum(int(re.search(r"— (\d+) bod", s).group(1)) for s in summaries) == len(tasks_that_day)


def test_a_retired_bodys_closed_tasks_leave_its_feed(app, client):
    """Nothing is due of a closed task, and a tick would say it was done."""
    login(client, focal_email("district-tu-ky"))
    assert submit(client, "/profile/calendar", {}, page="/profile/reminders").status_code == 302
    path = _feed_path(client)
    assert _events(app, path)
    retire_body(user(ADMIN_EMAIL), body_of("district-tu-ky"), date(2025, 7, 1), "Giải thể cấp huyện")
    db.session.commit()
    assert _events(app, path) == []
