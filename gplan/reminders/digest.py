"""The daily digest: one mail per person, rendered in their language, with links to the tasks."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import force_locale, get_translations, gettext, ngettext
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from gplan.mail.vocabulary import MailKind
from gplan.public_address import external_url
from gplan.reminders.planner import Digest, DueReminders, Entry
from gplan.reminders.vocabulary import DigestSection
from gplan.templating import format_date

DEDUPE_KEY_MAX = 200  # MailMessage.dedupe_key


def dedupe_key(*parts: str) -> str:
    """An outbox dedupe key from its parts, hashed when a long address would not fit."""
    key = ":".join(parts)
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    return ":".join(parts[:-1]) + ":" + hashlib.sha256(parts[-1].encode()).hexdigest()


def digest_key(today: date, email: str) -> str:
    return dedupe_key("digest", today.isoformat(), email)


def _counted(section: DigestSection, n: int) -> str:
    """The section counted in the subject; plural forms cannot be a fixed label."""
    phrases = {
        DigestSection.AWAITING_REVIEW: ngettext(
            "%(num)d awaiting your review", "%(num)d awaiting your review", n
        ),
        DigestSection.ESCALATED: ngettext("%(num)d escalated to you", "%(num)d escalated to you", n),
        DigestSection.OVERDUE: ngettext("%(num)d overdue", "%(num)d overdue", n),
        DigestSection.DUE_TODAY: ngettext("%(num)d due today", "%(num)d due today", n),
        DigestSection.DUE_SOON: ngettext("%(num)d due soon", "%(num)d due soon", n),
    }
    return phrases[section]


def _windows_counted(entries: list[Entry], today: date) -> list[str]:
    """Periods as they stand today: opening later, opening today, or already open."""
    later = sum(1 for entry in entries if entry.starts_on is not None and entry.starts_on > today)
    opening = sum(1 for entry in entries if entry.starts_on == today)
    already = len(entries) - later - opening
    phrases = []
    if opening:
        phrases.append(ngettext("%(num)d period opens today", "%(num)d periods open today", opening))
    if already:
        phrases.append(ngettext("%(num)d period under way", "%(num)d periods under way", already))
    if later:
        phrases.append(ngettext("%(num)d period opening soon", "%(num)d periods opening soon", later))
    return phrases


def digest_subject(sections: dict[DigestSection, list[Entry]], today: date, comments: int = 0) -> str:
    parts = []
    for name in DigestSection:
        if name == DigestSection.WINDOWS:
            parts += _windows_counted(sections[name], today)
        elif sections[name]:
            parts.append(_counted(name, len(sections[name])))
    if comments:
        parts.append(ngettext("%(num)d new comment", "%(num)d new comments", comments))
    summary = ", ".join(parts)
    return gettext("[gplan] Reminders for %(date)s: %(summary)s", date=format_date(today), summary=summary)


def when_text(entry: Entry, today: date) -> str:
    """How the deadline stands on ``today``, e.g. "3 days left", "7 days late"; for a submission
    awaiting review, since when."""
    if entry.waiting_since is not None:
        return gettext("submitted on %(date)s, awaiting review", date=format_date(entry.waiting_since))
    if entry.section(today) == DigestSection.WINDOWS:
        assert entry.starts_on is not None and entry.ends_on is not None  # a window has both
        if entry.starts_on > today:
            days = (entry.starts_on - today).days
            return ngettext("opens in %(num)d day", "opens in %(num)d days", days)
        return gettext("open now, until %(date)s", date=format_date(entry.ends_on))
    days = (entry.deadline - today).days
    if days == 0:
        return gettext("due today")
    if days > 0:
        return ngettext("%(num)d day left", "%(num)d days left", days)
    return ngettext("%(num)d day late", "%(num)d days late", -days)


def deadline_text(entry: Entry) -> str:
    """The deadline as dd/mm/yyyy; a window as its dates, with its report's deadline."""
    if entry.starts_on is None:
        return format_date(entry.deadline)
    text = f"{format_date(entry.starts_on)} – {format_date(entry.ends_on)}"
    if entry.deadline != entry.ends_on:
        text += ", " + gettext("report by %(date)s", date=format_date(entry.deadline))
    return text


def render_digest(digest: Digest, today: date, shared: dict[str, Any] | None = None) -> dict[str, Any]:
    """Subject, plain text and HTML of one digest, in the current locale. ``shared`` holds what
    every digest of a run in this language has in common (see :func:`render_digests`)."""
    sections = digest.sections(today)
    shared = shared or _shared()
    entries = digest.entries.values()
    # Each is written in both the text and the HTML part: worked out once.
    whens = {entry.task_id: when_text(entry, today) for entry in entries}
    urls = {entry.task_id: external_url("focal.task", task_id=entry.task_id) for entry in entries}
    context = {
        **shared,
        "digest": digest,
        "recipient": digest.recipient,
        "sections": [(name, sections[name]) for name in DigestSection if sections[name]],
        "today": today,
        "when": lambda entry: whens[entry.task_id],
        "deadline": deadline_text,
        "task_url": lambda entry: urls[entry.task_id],
        "several_bodies": len(digest.body_names) > 1 or any(e.copy for e in entries),
        "comments": digest.comments,
        "comment_url": lambda note: external_url("focal.task", task_id=note.task_id) + "#comments",
    }
    return {
        "kind": MailKind.REMINDER_DIGEST,
        "recipient": digest.recipient.email,
        "subject": digest_subject(sections, today, len(digest.comments)),
        "text": render_template("reminders/email/reminder_digest.txt", **context),
        "html": render_template("reminders/email/reminder_digest.html", **context),
        "dedupe_key": digest_key(today, digest.recipient.email),
    }


def render_digests(due: DueReminders) -> list[dict[str, Any]]:
    """Every digest of the run, each in its recipient's language (one locale switch per language)."""
    by_locale: dict[str, list[Digest]] = {}
    for digest in due.digests:
        by_locale.setdefault(digest.recipient.locale, []).append(digest)
    messages: list[dict[str, Any]] = []
    for locale, digests in by_locale.items():
        with force_locale(locale):
            shared = _shared()
            messages.extend(render_digest(digest, due.today, shared) for digest in digests)
    return messages


def _shared() -> dict[str, Any]:
    """What every digest in the current language has in common: the links, and the templates'
    gettext and ngettext bound to the language's catalogue, looked up once rather than by
    Flask-Babel on every string (a third of the time rendering took)."""
    translations = get_translations()

    @pass_context
    def template_gettext(context: Context, string: str, **variables: Any) -> str:
        return _formatted(context, translations.ugettext(string), variables)

    @pass_context
    def template_ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _formatted(context, translations.ungettext(singular, plural, num), variables)

    return {
        "gettext": template_gettext,
        "ngettext": template_ngettext,
        "profile_url": external_url("reminders.profile"),
        "home_url": external_url("plans.home"),
    }


def _formatted(context: Context, text: str, variables: dict[str, Any]) -> str:
    """As Jinja's own (newstyle) gettext does: escaped where the template escapes, then formatted."""
    if context.eval_ctx.autoescape:
        # The text is gplan's own catalogue entry; the variables are escaped by Markup's %.
        text = Markup(text)  # nosec B704
    return text % variables
