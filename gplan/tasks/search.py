"""Finding tasks by words: in the duty (its reference, text and English title), the body's
names and the notes written on the task (its latest note, its history's notes, its thread's
comments, its submissions' narratives), with or without Vietnamese marks.

"bao cao" finds "báo cáo", "Tu Ky" finds "Tứ Kỳ", "dong" finds "Đồng". Every word typed must
be found (each in any of those places); the last letters of a word may be missing ("bao ca"
finds "báo cáo"), so a list narrows while one types. A word holding several parts, such as the
reference "II.1.a", must be found as those parts in that order.

One interface for the web pages and the API: :func:`parse` reads what was typed (never
raising: what cannot be searched for is a :class:`Search` with a ``problem``, which matches no
task), :func:`condition` gives the SQL that :class:`gplan.tasks.query.TaskQuery` adds to its
filters. The index itself (SQLite FTS5, PostgreSQL GIN over tsvector) is kept by the database:
see ``gplan.models.search_index``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, Integer, and_, bindparam, column, false, func, not_, or_, select, text
from sqlalchemy.sql import visitors

from gplan.extensions import db
from gplan.models import Task
from gplan.models.search_index import BODY, DUTY, NOTES, Source, pg_vector
from gplan.models.tally import TaskBodyTally, TaskTally, on_tally
from gplan.models.task import status_case, status_expression

MAX_LENGTH = 200  # characters: far above any real search, far below a costly one
MAX_WORDS = 10
_PARTS = re.compile(r"[a-z0-9]+")


def fold(value: str) -> str:
    """``value`` in lower-case letters without marks: "Đồng Tứ Kỳ" → "dong tu ky"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parts_of(word: str) -> tuple[str, ...]:
    """The letters-and-digits runs of a folded word: what the index holds of it."""
    return tuple(_PARTS.findall(fold(word)))


@dataclass(frozen=True)
class Search:
    """What was typed, its words (each as its parts) and, when nothing can be searched for,
    why not (translated); such a search matches no task."""

    text: str
    words: tuple[tuple[str, ...], ...] = ()
    problem: str | None = None


def parse(typed: str | None) -> Search | None:
    """The search typed in a list's box or the API's ``q``; None when nothing was typed."""
    typed = " ".join((typed or "").split())
    if not typed:
        return None
    if len(typed) > MAX_LENGTH:
        return Search(
            typed[:MAX_LENGTH],
            problem=gettext("A search is at most %(count)d characters long.", count=MAX_LENGTH),
        )
    words = tuple(dict.fromkeys(parts for parts in map(parts_of, typed.split()) if parts))
    if not words:
        return Search(
            typed, problem=gettext("Search for words or numbers: there are none in what you typed.")
        )
    if len(words) > MAX_WORDS:
        return Search(typed, problem=gettext("Search for at most %(count)d words.", count=MAX_WORDS))
    return Search(typed, words)


# ---- asking the index ------------------------------------------------------------------------


def _fts5_query(parts: tuple[str, ...]) -> str:
    # The parts are [a-z0-9]+ only, so quoting them leaves no FTS5 syntax to inject.
    return '"' + " ".join(parts) + '"*'


def _tsquery(parts: tuple[str, ...]) -> str:
    return " <-> ".join(parts) + ":*"


def _select(source: Source, key: str) -> str:
    """The ids (of ``source``'s rows, or of the tasks its notes are written on) holding the
    words bound as ``key``, as SQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        found = f"SELECT rowid FROM {source.name} WHERE {source.name} MATCH :{key}"  # nosec B608
        if source.task == "id":
            return found.replace("SELECT rowid", "SELECT rowid AS id", 1)
        return f"SELECT {source.task} AS id FROM {source.table} WHERE id IN ({found})"  # nosec B608
    only = f" AND {source.where.format(r='')}" if source.where else ""
    matched = f"{pg_vector(source)} @@ to_tsquery('simple', :{key})"
    return f"SELECT {source.task} AS id FROM {source.table} WHERE {matched}{only}"  # nosec B608


def _matching(sources: tuple[Source, ...], parts: tuple[str, ...], *more: tuple[str, ...], key: str) -> Any:
    """The ids of ``sources``' rows (of the tasks, for notes) holding the word (or any of
    ``more`` words too): a subquery, one bound value."""
    if db.session.get_bind().dialect.name == "sqlite":
        value = " OR ".join(_fts5_query(word) for word in (parts, *more))
    else:
        value = " | ".join(f"({_tsquery(word)})" for word in (parts, *more))
    sql = " UNION ".join(_select(source, key) for source in sources)
    return text(sql).bindparams(bindparam(key, value, unique=True)).columns(column("id", Integer))


def _ids(source: Source, parts: tuple[str, ...]) -> list[int]:
    return list(db.session.scalars(_matching((source,), parts, key="words")))


@dataclass
class Matches:
    """What one search matches, resolved: per word, the duties and bodies holding it (few, so
    read as ids), and a subquery for the notes holding it (many tasks may)."""

    duties: list[list[int]]
    bodies: list[list[int]]
    notes: list[Any]
    any_note: Any  # the tasks whose note holds any of the words (one subquery)

    def by_duty_or_body(self) -> ColumnElement[bool]:
        """The tasks matching without their notes: every word in the duty or the body (the
        task tally holds both columns, so this can be counted from it)."""
        return and_(
            *(
                true_if_any(
                    Task.responsibility_id.in_(duties) if duties else None,
                    Task.body_id.in_(bodies) if bodies else None,
                )
                for duties, bodies in zip(self.duties, self.bodies, strict=True)
            )
        )

    def anywhere(self) -> ColumnElement[bool]:
        """The tasks matching: every word in the duty, the body or the note."""
        return and_(
            *(
                true_if_any(
                    Task.responsibility_id.in_(duties) if duties else None,
                    Task.body_id.in_(bodies) if bodies else None,
                    Task.id.in_(notes),
                )
                for duties, bodies, notes in zip(self.duties, self.bodies, self.notes, strict=True)
            )
        )


def true_if_any(*conditions: ColumnElement[bool] | None) -> ColumnElement[bool]:
    present = [c for c in conditions if c is not None]
    return or_(*present) if present else false()


def matches(search: Search) -> Matches:
    """Ask the index once per word and source (two small reads per word; the notes stay a
    subquery)."""
    duties = [_ids(DUTY, parts) for parts in search.words]
    bodies = [_ids(BODY, parts) for parts in search.words]
    return Matches(
        duties,
        bodies,
        [_matching(NOTES, parts, key=f"note{n}") for n, parts in enumerate(search.words)],
        _notes_needed(search, duties, bodies),
    )


def _notes_needed(search: Search, duties: list[list[int]], bodies: list[list[int]]) -> Any:
    """The tasks that may be found only with their note's help: those whose note holds a word
    no duty or body holds (every task found has it there), else any word."""
    for parts, by_duty, by_body in zip(search.words, duties, bodies, strict=True):
        if not by_duty and not by_body:
            return _matching(NOTES, parts, key="notes")
    return _matching(NOTES, *search.words, key="notes")


def condition(search: Search) -> ColumnElement[bool]:
    """The tasks ``search`` finds, as a WHERE clause over the task table."""
    if search.problem or not search.words:
        return false()
    return matches(search).anywhere()


_INDEXED = {Task.__table__.c[name] for name in ("plan_id", "body_id", "responsibility_id")}


def _unindexed(clause: Any) -> Any:
    """``clause`` with the task's indexed columns as ``column + 0``, which SQLite reads without
    their index (its documented way of steering the planner)."""

    def replace(element: Any) -> Any:
        return element + 0 if element in _INDEXED else None

    return visitors.replacement_traverse(clause, {}, replace)  # type: ignore[call-overload]


# Below this many tasks found, a page is read from the tasks found, then sorted.
FEW = 5000
# At most this many tasks brought in by their notes are named by id to PostgreSQL.
NOTE_IDS = 20 * FEW


def few(
    where: list[Any], found: Matches, ordering: list[Any], *, by_deadline: bool
) -> tuple[list[Any], list[Any]]:
    """The WHERE and ORDER BY of a page when the search finds FEW tasks or fewer: read them
    through the index of what they were found by (duty, body, note id) and sort them, rather
    than walk the plan's deadline index until a page is full (the whole plan when they are
    rare). Both databases are steered, since neither can tell how few a search index's match
    gives: the other filters' columns are read as ``column + 0`` and the deadline is spelled
    unlike its index. PostgreSQL, which cannot read a note subquery OR'd with the duty and body
    from an index (it read all 1M tasks for 3 found), is also given the ids the notes bring."""
    if by_deadline:  # ordering[0] is Task.deadline
        ordering = [func.coalesce(Task.extended_due_on, Task.due_on, Task.due_on), *ordering[1:]]
    narrowed = [*(_unindexed(clause) for clause in where), found.anywhere()]
    if db.session.get_bind().dialect.name == "sqlite":
        return narrowed, ordering
    by_note = found.any_note.subquery()
    notes = list(db.session.scalars(select(by_note.c.id).limit(NOTE_IDS + 1)))
    if len(notes) > NOTE_IDS:
        return narrowed, ordering
    return [*narrowed, or_(Task.id.in_(notes), found.by_duty_or_body())], ordering


def _tallied(where: list[Any], statuses: tuple[str, ...], today: date, params: dict[str, Any]) -> int | None:
    """The tasks matching ``where`` (over the task table) and in ``statuses`` on ``today``,
    summed from the first tally holding every column named; None when none does."""
    for model in (TaskBodyTally, TaskTally):
        try:
            conditions = [on_tally(condition, model) for condition in where]
        except KeyError:
            continue
        if statuses:
            conditions.append(status_case(today, model.progress, model.on_time, model.deadline).in_(statuses))
        return db.session.scalar(select(func.coalesce(func.sum(model.tasks), 0)).where(*conditions), params)
    return None


def count(
    where: list[Any], found: Matches, statuses: tuple[str, ...], today: date, params: dict[str, Any]
) -> int | None:
    """How many tasks matching ``where`` (run with ``params``) and ``statuses`` the search
    finds, without reading every one: those it finds by duty or body summed from the task
    tally, plus those only their notes bring in. None when ``where`` names a column the tally
    lacks (count the tasks then)."""
    by_duty_or_body = found.by_duty_or_body()
    tallied = _tallied([*where, by_duty_or_body], statuses, today, params)
    if tallied is None:
        return None
    # Only tasks whose note holds a word can be found otherwise: read those by id, not the
    # plan. SQLite, which cannot tell how many rows an FTS5 match gives, would rather read the
    # whole plan by its index than look them up, unless given the ids themselves.
    only_by_note = [*where, found.anywhere(), not_(by_duty_or_body)]
    if statuses:
        only_by_note.append(status_expression(today).in_(statuses))
    if db.session.get_bind().dialect.name == "sqlite":
        ids = list(db.session.scalars(found.any_note))
        only_by_note = [Task.id.in_(ids), *(_unindexed(clause) for clause in only_by_note)]
    else:
        only_by_note.append(Task.id.in_(found.any_note))
    counted = select(func.count()).select_from(Task).where(*only_by_note)
    return tallied + (db.session.scalar(counted, params) or 0)
