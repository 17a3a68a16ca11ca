"""Jinja filters and globals: dd/mm/yyyy dates, local times, and the vocabularies.

Templates compare and label statuses, kinds and roles through the vocabularies exposed here
(``TaskStatus.OVERDUE``, ``status.title``, ``status.css_class``), never through strings of
their own.
"""

from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import get_locale

from gplan.accounts.vocabulary import Role
from gplan.mail.vocabulary import MailKind, MailState
from gplan.reminders.vocabulary import DigestSection, ReminderKind
from gplan.reporting.vocabulary import Comparator, Horizon, TargetStatus
from gplan.tasks.vocabulary import TaskEventKind, TaskProgress, TaskStatus
from gplan.timeutil import local_today, to_local

VOCABULARIES = (
    TaskProgress,
    TaskStatus,
    TaskEventKind,
    ReminderKind,
    DigestSection,
    MailState,
    MailKind,
    Role,
    TargetStatus,
    Comparator,
    Horizon,
)


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
        {vocabulary.__name__: vocabulary for vocabulary in VOCABULARIES},
        local_today=local_today,
        locale_code=locale_code,
    )
