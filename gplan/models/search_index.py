"""The search index: a duty's words (reference, text, English title), a body's names and the
notes written on a task (its latest note, its history's notes, its thread's comments, its
submissions' narratives), folded to plain letters so that "bao cao" finds "báo cáo" and "Tu Ky" "Tứ Kỳ".

The database keeps it, in the same transaction as every change, whoever writes (the ORM, an
import's bulk statements, a cascade, raw SQL):

- SQLite: one FTS5 table per source (``search_duty``, ``search_body``, ``search_note``,
  ``search_event``, ``search_comment``, ``search_submission``; rowid = the row's id), written
  by triggers. FTS5's ``remove_diacritics 2`` takes the marks off but
  leaves "đ" alone (it is a letter of its own, not a "d" with a mark), so the triggers turn
  "đ"/"Đ" into "d" first.
- PostgreSQL: GIN indexes over ``to_tsvector('simple', gplan_fold(…))`` on the tables
  themselves, which PostgreSQL keeps. ``gplan_fold`` is a plain SQL function (``translate`` of
  every Latin letter with a mark, "đ" included, then anything not a letter or digit becomes a
  space): no extension is needed, and unlike ``unaccent`` it is IMMUTABLE, so it can be indexed.

``gplan.tasks.search`` folds the words typed the same way (``fold``) and asks the index.
Everything here is DDL built from constants, never from input (hence the "nosec B608" marks).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import DDL, event, func, select, text

from gplan.extensions import Model, db


def _folding_table() -> tuple[str, str]:
    """Every letter of Latin-1 Supplement, Latin Extended-A and Latin Extended Additional
    (all of Vietnamese) that is a plain letter with marks, and that plain letter, lower case."""
    marked, plain = ["đĐ"], ["dd"]
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        base = unicodedata.normalize("NFD", letter)[0].lower()
        if base != letter and base.isascii() and base.isalpha():
            marked.append(letter)
            plain.append(base)
    return "".join(marked), "".join(plain)


MARKED, PLAIN = _folding_table()


@dataclass(frozen=True)
class Source:
    """One kind of text searched: the table it lives in, and its words as SQL over a row
    (``{r}`` is the row's prefix: ``NEW.``, ``OLD.`` or nothing)."""

    name: str
    table: str
    document: str
    columns: tuple[str, ...]
    where: str | None = None  # rows outside it have nothing to search
    task: str = "id"  # the column naming the task a row of a note source is written on

    def words(self, row: str = "") -> str:
        return self.document.format(r=row)


DUTY = Source(
    "search_duty",
    "responsibility",
    "coalesce({r}ref, '') || ' ' || coalesce({r}\"text\", '') || ' ' || coalesce({r}title_en, '')",
    ("ref", '"text"', "title_en"),
)
BODY = Source(
    "search_body",
    "body",
    "coalesce({r}name, '') || ' ' || coalesce({r}name_en, '') || ' ' || coalesce({r}short_name, '')",
    ("name", "name_en", "short_name"),
)
NOTE = Source("search_note", "task", "{r}note", ("note",), where="{r}note IS NOT NULL")
# A task is found by any note written on it, not only the latest: what its history, its thread
# and its submissions say. Each row names its task; the viewer's scope then applies to the task.
EVENT = Source(
    "search_event", "task_event", "{r}note", ("note",), where="{r}note IS NOT NULL", task="task_id"
)
COMMENT = Source("search_comment", "task_comment", '{r}"text"', ('"text"',), task="task_id")
SUBMISSION = Source("search_submission", "task_submission", "{r}narrative", ("narrative",), task="task_id")
NOTES = (NOTE, EVENT, COMMENT, SUBMISSION)
SOURCES = (DUTY, BODY, *NOTES)

# ---- SQLite: FTS5 tables kept by triggers ---------------------------------------------------

FTS5_TOKENIZER = "unicode61 remove_diacritics 2"


def sqlite_words(source: Source, row: str) -> str:
    return f"replace(replace({source.words(row)}, 'đ', 'd'), 'Đ', 'd')"


def _sqlite_add(source: Source, row: str) -> str:
    only = f" WHERE {source.where.format(r=row)}" if source.where else ""
    return f"INSERT INTO {source.name} (rowid, words) SELECT {row}id, {sqlite_words(source, row)}{only};"  # nosec B608


def _sqlite_remove(source: Source) -> str:
    return f"DELETE FROM {source.name} WHERE rowid = OLD.id;"  # nosec B608


def sqlite_ddl(source: Source) -> list[str]:
    table, name = source.table, source.name
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5(words, tokenize = '{FTS5_TOKENIZER}')",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN\n  {_sqlite_add(source, 'NEW.')}\nEND",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(source.columns)} ON {table} BEGIN\n"
        f"  {_sqlite_remove(source)}\n  {_sqlite_add(source, 'NEW.')}\nEND",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN\n  {_sqlite_remove(source)}\nEND",
    ]


def sqlite_fill(source: Source) -> str:
    """Index the rows already there (a migration, a rebuild)."""
    only = f" WHERE {source.where.format(r='')}" if source.where else ""
    words = sqlite_words(source, "")
    return f"INSERT INTO {source.name} (rowid, words) SELECT id, {words} FROM {source.table}{only}"  # nosec B608


# ---- PostgreSQL: GIN indexes over the folded words ------------------------------------------

PG_FOLD = (
    "CREATE FUNCTION gplan_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    f"SELECT regexp_replace(translate(lower($1), '{MARKED}', '{PLAIN}'), '[^a-z0-9]+', ' ', 'g') $$"
)


def pg_vector(source: Source, row: str = "") -> str:
    """The words of a row as the index holds them; a query must spell it the same way."""
    return f"to_tsvector('simple', gplan_fold({source.words(row)}))"


def pg_ddl(source: Source) -> str:
    only = f" WHERE {source.where.format(r='')}" if source.where else ""
    return f"CREATE INDEX ix_{source.name} ON {source.table} USING gin ({pg_vector(source)}){only}"


def sqlite_drop(source: Source) -> list[str]:
    """Remove a source's FTS5 table and triggers (a rebuild, a downgrade)."""
    triggers = [f"DROP TRIGGER IF EXISTS {source.name}_{change}" for change in ("insert", "update", "delete")]
    return [*triggers, f"DROP TABLE IF EXISTS {source.name}"]


SQLITE_DDL = [statement for source in SOURCES for statement in sqlite_ddl(source)]
POSTGRESQL_DDL = [PG_FOLD, *(pg_ddl(source) for source in SOURCES)]
DDL_BY_DIALECT = {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}
# What the index adds to the schema beside the models' tables (the migrations' comparison
# leaves them out; FTS5 keeps its own shadow tables next to each of its tables).
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
INDEX_TABLES = frozenset(
    name for source in SOURCES for name in (source.name, *(f"{source.name}_{s}" for s in FTS5_SHADOWS))
)
INDEX_NAMES = frozenset(f"ix_{source.name}" for source in SOURCES)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild indexed: every task (each is found by its duty and its body), and the
    rows of each source."""

    tasks: int
    rows: dict[str, int]


def rebuild_search_index() -> Rebuilt:
    """Make the index again from the tables, in the session's transaction (after a restore, a
    bulk import, or damage): on SQLite each FTS5 table and its triggers are dropped, made again
    and filled; on PostgreSQL the folding function and the GIN indexes are made again. The
    caller commits."""
    dialect = db.session.get_bind().dialect.name
    statements: list[str] = []
    if dialect == "sqlite":
        for source in SOURCES:
            statements += [*sqlite_drop(source), *sqlite_ddl(source), sqlite_fill(source)]
    else:
        statements += [f"DROP INDEX IF EXISTS ix_{source.name}" for source in SOURCES]
        statements += [PG_FOLD.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)]
        statements += [pg_ddl(source) for source in SOURCES]
    for statement in statements:
        db.session.execute(text(statement))
    rows = {}
    for source in SOURCES:
        only = f" WHERE {source.where.format(r='')}" if source.where else ""
        rows[source.name] = db.session.scalar(text(f"SELECT count(*) FROM {source.table}{only}")) or 0  # nosec B608
    tasks = db.session.scalar(select(func.count()).select_from(text("task"))) or 0
    return Rebuilt(tasks, rows)


def _ddl(statement: str, dialect: str) -> DDL:
    return DDL(statement.replace("%", "%%")).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]


for _dialect, _statements in DDL_BY_DIALECT.items():
    for _statement in _statements:
        event.listen(Model.metadata, "after_create", _ddl(_statement, _dialect))
event.listen(
    Model.metadata, "after_drop", _ddl("DROP FUNCTION IF EXISTS gplan_fold(text) CASCADE", "postgresql")
)
