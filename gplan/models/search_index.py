"""The search index: a duty's words (reference, text, English title), a body's names and a
task's note, folded to plain letters so that "bao cao" finds "báo cáo" and "Tu Ky" "Tứ Kỳ".

The database keeps it, in the same transaction as every change, whoever writes (the ORM, an
import's bulk statements, a cascade, raw SQL):

- SQLite: one FTS5 table per source (``search_duty``, ``search_body``, ``search_note``, rowid =
  the row's id), written by triggers. FTS5's ``remove_diacritics 2`` takes the marks off but
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

from sqlalchemy import DDL, event

from gplan.extensions import Model


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
SOURCES = (DUTY, BODY, NOTE)

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


def _ddl(statement: str, dialect: str) -> DDL:
    return DDL(statement.replace("%", "%%")).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]


for _dialect, _statements in DDL_BY_DIALECT.items():
    for _statement in _statements:
        event.listen(Model.metadata, "after_create", _ddl(_statement, _dialect))
event.listen(
    Model.metadata, "after_drop", _ddl("DROP FUNCTION IF EXISTS gplan_fold(text) CASCADE", "postgresql")
)
