"""Private calendar feeds (iCalendar): a body's deadlines and windows, behind a revocable token."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from icalendar import Calendar, Event
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from gplan.collation import by_name
from gplan.extensions import db
from gplan.models import Body, CalendarFeed, Task, User
from gplan.public_address import external_url, public_base
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import LOCAL_TZ, local_today, utcnow


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def new_feed(user: User) -> CalendarFeed:
    """Give ``user`` a new private address; the previous one, if any, stops working.
    The caller commits."""
    feed = feed_of(user) or CalendarFeed(user_id=user.id)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at, feed.last_used_at = utcnow(), None
    db.session.add(feed)
    return feed


def revoke_feed(user: User) -> bool:
    """Stop the user's calendar address from working. The caller commits."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    return True


def feed_url(feed: CalendarFeed) -> str:
    return external_url("reminders.calendar_feed", token=feed.token)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed this token opens, when its user is enabled. Only reads."""
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token == token).options(selectinload(CalendarFeed.user))
    )
    if feed is None or not feed.user.is_enabled:
        return None
    return feed


def _start_of_today() -> datetime:
    return datetime.combine(local_today(), time(0), LOCAL_TZ)


def used_today(feed: CalendarFeed) -> bool:
    return feed.last_used_at is not None and feed.last_used_at >= _start_of_today()


LOCK_WAIT_MS = 1000  # how long noting a use may wait for a lock before it gives up


@contextlib.contextmanager
def _brief_lock_wait() -> Iterator[None]:
    """Let the statements inside wait at most LOCK_WAIT_MS for a lock (SQLite's busy timeout,
    PostgreSQL's lock_timeout), instead of the usual patient wait of writers."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        try:
            yield
        finally:
            connection.exec_driver_sql("PRAGMA busy_timeout=30000")  # gplan.sqlite's setting
    else:
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
        yield


def note_feed_used(feed: CalendarFeed) -> None:
    """Note that ``feed`` was fetched today: at most one write a day, in a short transaction of
    its own made after the read. A note that cannot be written (another writer holds the lock)
    is skipped and logged; the next fetch notes it. Commits."""
    if used_today(feed):
        return
    user_id = feed.user_id
    db.session.commit()  # end the read: the write starts a fresh transaction, never upgrades one
    try:
        with _brief_lock_wait():
            db.session.execute(
                update(CalendarFeed)
                .where(
                    CalendarFeed.user_id == user_id,
                    or_(CalendarFeed.last_used_at.is_(None), CalendarFeed.last_used_at < _start_of_today()),
                )
                .values(last_used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("calendar feed use not noted for user %s: %s", user_id, error)


def _uid(name: str) -> str:
    host = urlsplit(public_base()).hostname or "gplan"
    return f"{name}@{host}"


def _all_day(uid: str, summary: str, first: date, last: date, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", _uid(uid))
    event.add("dtstamp", utcnow())
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # all-day events end the next day (RFC 5545)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def _title(task: Task, locale: str) -> str:
    responsibility = task.responsibility
    if locale == "en" and responsibility.title_en:
        return responsibility.title_en
    return responsibility.text


def _body_events(tasks: list[Task], locale: str) -> list[Event]:
    events = []
    for task in tasks:
        title, url = _title(task, locale), external_url("focal.task", task_id=task.id)
        done = "" if task.is_open else "✓ "
        description = f"{task.responsibility.ref} — {task.responsibility.text}\n{url}"
        if task.starts_on is not None and task.ends_on is not None:  # a window, e.g. the Action Month
            summary = f"{done}{title} ({task.responsibility.ref})"
            events.append(
                _all_day(f"task-{task.id}-window", summary, task.starts_on, task.ends_on, description, url)
            )
            if task.deadline == task.ends_on:
                continue
            summary = done + gettext(
                "Report due: %(title)s (%(ref)s)", title=title, ref=task.responsibility.ref
            )
        else:
            summary = done + gettext("Due: %(title)s (%(ref)s)", title=title, ref=task.responsibility.ref)
        events.append(_all_day(f"task-{task.id}", summary, task.deadline, task.deadline, description, url))
    return events


def _overview_events(tasks: list[Task], locale: str) -> list[Event]:
    """For those who follow every body: one event per duty and date, naming the bodies."""
    grouped: dict[tuple[Any, ...], list[Task]] = {}
    for task in tasks:
        grouped.setdefault(
            (task.responsibility_id, task.is_window, task.starts_on, task.deadline), []
        ).append(task)
    events = []
    for (responsibility_id, is_window, starts_on, deadline), group in grouped.items():
        first = group[0]
        title, ref = _title(first, locale), first.responsibility.ref
        open_count = sum(1 for t in group if t.is_open)
        names = "\n".join(
            f"{'•' if t.is_open else '✓'} {t.body.display_name(locale)}"
            for t in by_name(group, lambda t: t.body.display_name(locale), locale)
        )
        counted = ngettext("%(num)d body", "%(num)d bodies", len(group))
        pending = ngettext("%(num)d not done", "%(num)d not done", open_count)
        summary = f"{title} ({ref}) — {counted}, {pending}"
        url = external_url("focal.tasks", plan_id=first.plan_id)
        key = f"duty-{responsibility_id}-{deadline.isoformat()}"
        if is_window and starts_on is not None and first.ends_on is not None:
            events.append(_all_day(key + "-window", summary, starts_on, first.ends_on, names, url))
            if deadline == first.ends_on:
                continue
            summary = gettext("Report due: %(title)s (%(ref)s)", title=summary, ref=ref)
        events.append(_all_day(key, summary, deadline, deadline, names, url))
    return events


def calendar_for(user: User) -> bytes:
    """The user's calendar: their body's tasks, or for the coordinator, admin and observers
    every body's, one event per duty and date. Closed tasks are left out: nothing is due of
    them, and a tick would say they were done."""
    query = (
        select(Task)
        .where(Task.progress != TaskProgress.CLOSED)
        .options(selectinload(Task.responsibility))
        .order_by(Task.due_on, Task.id)
    )
    if user.body is not None:
        tasks = list(db.session.scalars(query.where(Task.body_id == user.body.id)))
        name = user.body.display_name(user.locale)
    else:
        tasks = list(
            db.session.scalars(query.options(selectinload(Task.body).load_only(Body.name, Body.name_en)))
        )
        name = None
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", "-//gplan//deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", f"gplan — {name}" if name else gettext("gplan — all bodies"))
        calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
        events = _body_events(tasks, locale) if name else _overview_events(tasks, locale)
        for event in events:
            calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
