"""Jinja filters and globals: dd/mm/yyyy dates, local times, status labels."""

from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import get_locale, lazy_gettext

from gplan.models.task import (
    DONE,
    DONE_LATE,
    DONE_ON_TIME,
    IN_PROGRESS,
    IN_PROGRESS_ON_TIME,
    NOT_STARTED,
    OVERDUE,
)
from gplan.models.user import ADMIN, COORDINATOR, FOCAL_POINT, OBSERVER
from gplan.paging import DEFAULT_PER_PAGE, PER_PAGE_CHOICES
from gplan.timeutil import local_today, to_local

STATUS_LABELS = {
    DONE_ON_TIME: lazy_gettext("Done on time"),
    DONE_LATE: lazy_gettext("Done late"),
    IN_PROGRESS_ON_TIME: lazy_gettext("In progress, within deadline"),
    OVERDUE: lazy_gettext("Overdue"),
    NOT_STARTED: lazy_gettext("Not yet started"),
}
PROGRESS_LABELS = {
    NOT_STARTED: lazy_gettext("Not yet started"),
    IN_PROGRESS: lazy_gettext("In progress"),
    DONE: lazy_gettext("Done"),
}
PROGRESS_ACTIONS = {
    NOT_STARTED: lazy_gettext("Back to not started"),
    IN_PROGRESS: lazy_gettext("Mark in progress"),
    DONE: lazy_gettext("Mark done"),
}
ROLE_LABELS = {
    ADMIN: lazy_gettext("Administrator"),
    COORDINATOR: lazy_gettext("Coordinator"),
    FOCAL_POINT: lazy_gettext("Focal point"),
    OBSERVER: lazy_gettext("Observer"),
}


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_instant(value: datetime | None) -> str:
    return to_local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def locale_code() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def register(app: Flask) -> None:
    app.jinja_env.filters["ddmmyyyy"] = format_date
    app.jinja_env.filters["localtime"] = format_instant
    app.jinja_env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        PROGRESS_LABELS=PROGRESS_LABELS,
        PROGRESS_ACTIONS=PROGRESS_ACTIONS,
        ROLE_LABELS=ROLE_LABELS,
        local_today=local_today,
        locale_code=locale_code,
        DEFAULT_PER_PAGE=DEFAULT_PER_PAGE,
        PER_PAGE_CHOICES=PER_PAGE_CHOICES,
    )
