"""The cells repeated hundreds of times on a progress page — counts that link to their tasks,
completion bars, heatmap cells — built in Python: as Jinja macros they cost most of the page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import g, url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup, escape

from gplan.blueprints.coordinator import bp
from gplan.reporting.status_counts import StatusCounts
from gplan.tasks.vocabulary import TaskStatus


def share_text(share: float | None) -> str:
    """A share as a whole percentage ("40%"), a dash when there is nothing to divide."""
    return "—" if share is None else f"{share * 100:.0f}%"


@bp.app_template_global("tasks_href")
def tasks_href(plan_id: int, **args) -> str:
    """The task list filtered by ``args`` (None values left out); the base URL is built once."""
    cache = g.setdefault("_tasks_base", {})
    if plan_id not in cache:
        cache[plan_id] = url_for("coordinator.tasks", plan_id=plan_id)
    query = urlencode({k: v for k, v in args.items() if v is not None and v != ""})
    return f"{cache[plan_id]}?{query}" if query else cache[plan_id]


@bp.app_template_global("count_link")
# The cells below build Markup only from escaped text and numbers (reviewed for bandit B704).
def count_link(plan_id: int, count: int, args: dict) -> Markup:
    if not count:
        return Markup('<span class="zero">0</span>')
    return Markup(  # nosec B704
        f'<a href="{escape(tasks_href(plan_id, **args))}">{count}</a>'
    )


# Each status's own part of a link's query, the same on every row.
_STATUS_QUERY = {status: urlencode({"status": status}) for status in TaskStatus}


@bp.app_template_global("status_cells")
def status_cells(plan_id: int, counts: StatusCounts, args: dict) -> Markup:
    """Five table cells: each status's count (opening its tasks) and its share."""
    cells = []
    # The five links differ only by their status, which ends them: the rest is encoded once.
    base = tasks_href(plan_id, **args) if "status" not in args else None
    for status in TaskStatus:
        count = counts.count(status)
        link: str
        if not count or base is None:
            link = count_link(plan_id, count, {**args, "status": status})
        else:
            href = escape(f"{base}{'&' if '?' in base else '?'}{_STATUS_QUERY[status]}")
            link = f'<a href="{href}">{count}</a>'
        cells.append(
            f'<td class="n">{link} <span class="share">{share_text(counts.share(status))}</span></td>'
        )
    return Markup("".join(cells))  # nosec B704


def _labels() -> dict[str, str]:
    labels = g.get("_status_labels")
    if labels is None:
        labels = g._status_labels = {status: str(escape(status.title)) for status in TaskStatus}
    return labels


@bp.app_template_global("status_bar")
def status_bar(counts: StatusCounts, width: int = 120) -> Markup:
    """A stacked bar of the five statuses and the completion share; the numbers are in the row."""
    done = share_text(counts.completion)
    label = escape(gettext("%(share)s done", share=done))
    parts = [
        f'<svg class="bar" width="{width}" height="14" viewBox="0 0 {width} 14" role="img" '
        f'aria-label="{label}" focusable="false">'
    ]
    x, labels = 0.0, _labels()
    for status, count in counts.items():
        if count:
            w = width * count / counts.total
            parts.append(
                f'<rect class="seg {status.css_class}" x="{x:.2f}" y="0" width="{w:.2f}" height="14">'
                f"<title>{labels[status]}: {count}</title></rect>"
            )
            x += w
    parts.append(f'</svg><span class="bar-label">{done}</span>')
    return Markup("".join(parts))  # nosec B704


def _words(key: object, translate: Callable[[], str]) -> str:
    """A cell's words, translated once per request (a page has hundreds of cells). Each caller
    writes its catalogue call out, so that the extractor finds it."""
    cache = g.setdefault("_cell_words", {})
    if key not in cache:
        cache[key] = translate()
    words: str = cache[key]
    return words


def _heat_title() -> str:
    return _words("heat-title", lambda: gettext("%(done)d of %(total)d done, %(overdue)d overdue"))


def _late(count: int) -> str:
    return _words(("late", count), lambda: str(escape(ngettext("%(num)d late", "%(num)d late", count))))


def _closed_late(count: int) -> str:
    return _words(
        ("closed-late", count),
        lambda: ngettext("%(num)d closed when overdue", "%(num)d closed when overdue", count),
    )


def _closed_word() -> str:
    return _words("closed-word", lambda: gettext("closed"))


def _closed_in_time(count: int) -> str:
    return _words(
        ("closed-in-time", count),
        lambda: ngettext("%(num)d closed within its deadline", "%(num)d closed within their deadline", count),
    )


@bp.app_template_global("heat_cell")
def heat_cell(plan_id: int, counts: StatusCounts, args: dict, label: str) -> Markup:
    """A heatmap cell: completion share as colour and number, done out of the tasks expected
    and overdue (and, in its title, those closed when overdue, which the share counts as not
    done, and those closed within their deadline, which it leaves out, as the fraction does),
    linking to its tasks; grey when nothing is due yet, hatched grey when every task was closed
    before it fell due (nothing was asked), blank when there are no tasks."""
    label = escape(label)
    if not counts.total:
        return Markup(  # nosec B704
            f'<td class="heat heat-empty"><span class="cell" title="{label}">·</span></td>'
        )
    closed = counts.closed_in_time
    href = escape(tasks_href(plan_id, **args))
    if counts.completion is None:  # every task closed before it fell due: nothing was asked
        return Markup(  # nosec B704
            f'<td class="heat heat-closed"><a href="{href}" title="{label}: '
            f'{escape(_closed_in_time(closed))}">— <small>{closed} {escape(_closed_word())}</small></a></td>'
        )
    step = "notdue" if counts.nothing_due_yet else min(10, int((counts.completion or 0) * 10))
    title = _heat_title() % {"done": counts.done, "total": counts.expected, "overdue": counts.overdue}
    if counts.closed_late:
        title = f"{title}, {_closed_late(counts.closed_late)}"
    if closed:
        title = f"{title}, {_closed_in_time(closed)}"
    late = f' · <span class="heat-late">{_late(counts.overdue)}</span>' if counts.overdue else ""
    return Markup(  # nosec B704
        f'<td class="heat heat-{step}"><a href="{href}" title="{label}: {escape(title)}">'
        f"{share_text(counts.completion)} <small>{counts.done}/{counts.expected}{late}</small></a></td>"
    )
