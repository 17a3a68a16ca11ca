"""Jinja filters and globals: dd/mm/yyyy dates, local times, and the vocabularies.

Templates compare and label statuses, kinds and roles through the vocabularies exposed here
(``TaskStatus.OVERDUE``, ``status.title``, ``status.css_class``), never through strings of
their own.
"""

import hashlib
import time
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, url_for
from markupsafe import Markup, escape

from gplan.accounts.vocabulary import Role
from gplan.i18n import gettext, install_template_gettext, label, locale_name
from gplan.mail.vocabulary import MailKind, MailState
from gplan.paging import DEFAULT_PER_PAGE, PER_PAGE_CHOICES
from gplan.reminders.vocabulary import DigestSection, ReminderKind
from gplan.reporting.vocabulary import BodyReportStatus, Comparator, Horizon, ProvinceReportKind, TargetStatus
from gplan.tasks.evidence import is_web_link
from gplan.tasks.vocabulary import ExtensionState, TaskEventKind, TaskProgress, TaskStatus
from gplan.timeutil import local_today, simulated_today, to_local

VOCABULARIES = (
    TaskProgress,
    TaskStatus,
    TaskEventKind,
    ExtensionState,
    ReminderKind,
    DigestSection,
    MailState,
    MailKind,
    Role,
    TargetStatus,
    Comparator,
    Horizon,
    BodyReportStatus,
    ProvinceReportKind,
)


def shorten(text: str | None, width: int = 60) -> str:
    """``text`` cut to about ``width`` characters on a word boundary, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[: width + 1].rsplit(" ", 1)[0]
    if len(cut) < width // 2:  # one very long word: cut inside it rather than show nothing
        cut = text[:width]
    return cut.rstrip(" ,;:.–-") + "…"


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def deadline_text(task: Any) -> Markup:
    """What macros.html's ``deadline`` writes (the same text and line breaks): the due date or
    the window, the report date when it differs, and an extension. A filter, not a macro: list
    rows write it once each, and a macro call costs Jinja more than the text."""
    # The catalogue calls stand outside the f-strings, where the extractor finds them.
    if task.is_window:
        text = f"{format_date(task.starts_on)} – {format_date(task.ends_on)}"
        if task.due_on != task.ends_on:
            report_by = escape(gettext("report by"))
            text += f" · {report_by} {format_date(task.due_on)}"
        text += "\n"
    else:
        text = format_date(task.due_on)
    if task.extended_due_on:
        extended_to = escape(gettext("extended to"))
        text += f"\n · {extended_to} {format_date(task.extended_due_on)}\n"
    else:
        text += "\n\n"
    # Only dates and escaped catalogue text.
    return Markup(f"\n{text}")  # nosec B704


def page_url(page: Any, endpoint: str, args: dict, number: int, per_page: int | None = None) -> Markup:
    """The address of page ``number`` of a list, keeping its filters (``args``) and its page size.

    A list's pager and sections link to a dozen pages of the same filters: the address of
    the filters is built once per request, and the page and its size (at its end, where
    ``url_for`` would put them) are added to it."""
    size = per_page or page.per_page
    extra = {"page": number if number > 1 else None, "per_page": size if size != DEFAULT_PER_PAGE else None}
    if "page" in args or "per_page" in args or any(name.startswith("_") for name in args):
        return escape(url_for(endpoint, **{**args, **extra}))
    key = (endpoint, *((name, tuple(v) if isinstance(v, list) else v) for name, v in args.items()))
    cache = g.setdefault("_gplan_page_urls", {})
    try:
        base = cache.get(key)
    except TypeError:  # a filter's value that is no key: the address is built whole
        return escape(url_for(endpoint, **{**args, **extra}))
    if base is None:
        base = cache[key] = url_for(endpoint, **args)
    query = "&".join(f"{name}={value}" for name, value in extra.items() if value is not None)
    return escape(f"{base}{'&' if '?' in base else '?'}{query}" if query else base)


def format_instant(value: datetime | None) -> str:
    return to_local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def format_clock(value: datetime | None) -> str:
    """The local time of day of an instant, e.g. 08:05."""
    return to_local(value).strftime("%H:%M") if value else ""


def locale_code() -> str:
    """The request's language (``vi``, ``en``), looked up once per request."""
    return locale_name() or current_app.config["BABEL_DEFAULT_LOCALE"]


def occurrence_label(key: str, due_days: dict | None = None) -> str:
    """Which of a duty's occurrences a task is, in words: "2018" is the year's, and
    "2018:annual_report" the year's occurrence of the plan's due day of that name, labelled
    as the plan file labels it, so two tasks of one duty in one year are told apart."""
    year, _, name = key.partition(":")
    if not name:
        return gettext("Year %(year)s", year=year)
    day = (due_days or {}).get(name) or {}
    label = day.get("label_en") if locale_code() == "en" and day.get("label_en") else day.get("label")
    return f"{year} · {label or name}"


@lru_cache(maxsize=512)
def _content_hash(path: Path, _modified: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# When each static file's version was last looked at, and what it was: every page names four
# static files, and asking the disk for each of them on every page costs more than the rest of
# building their addresses.
_CHECKED: dict[tuple[str, str], tuple[float, str | None]] = {}
CHECK_EVERY_SECONDS = 2.0


def _static_version(folder: str, filename: str) -> str | None:
    """A short hash of a static file's content, computed again only when the file changes
    (looked at once every couple of seconds at most)."""
    now = time.monotonic()
    checked = _CHECKED.get((folder, filename))
    if checked is not None and now - checked[0] < CHECK_EVERY_SECONDS:
        return checked[1]
    path = Path(folder) / filename
    try:
        version: str | None = _content_hash(path, path.stat().st_mtime_ns)
    except OSError:
        version = None
    _CHECKED[folder, filename] = (now, version)
    return version


def _versioned_static(endpoint: str, values: dict) -> None:
    """``url_for('static', ...)`` adds ``?v=<content hash>``: caches (nginx's 7 days) keep a
    file only until its content changes."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        assert current_app.static_folder is not None  # the "static" endpoint exists only with one
        version = _static_version(current_app.static_folder, values["filename"])
        if version:
            values["v"] = version


def register(app: Flask) -> None:
    app.url_defaults(_versioned_static)
    install_template_gettext(app.jinja_env)
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["ddmmyyyy"] = format_date
    app.jinja_env.filters["deadline"] = deadline_text
    app.jinja_env.filters["localtime"] = format_instant
    app.jinja_env.tests["web_link"] = is_web_link  # only http(s) evidence links become links
    app.jinja_env.filters["shorten"] = shorten
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.filters["occurrence"] = occurrence_label
    app.jinja_env.globals.update(
        {vocabulary.__name__: vocabulary for vocabulary in VOCABULARIES},
        local_today=local_today,
        simulated_today=simulated_today,
        locale_code=locale_code,
        DEFAULT_PER_PAGE=DEFAULT_PER_PAGE,
        page_url=page_url,
        PER_PAGE_CHOICES=PER_PAGE_CHOICES,
    )
