"""Pages of the lists that grow with the data: one Page type for the web pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from werkzeug.datastructures import MultiDict

from gplan.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
PER_PAGE_CHOICES = (20, 50, 100, 200)
# Far beyond any list gplan holds; it keeps the offset a small number.
MAX_PAGE = 100_000

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list.

    No results is one page holding nothing. A page past the last holds nothing (it is not
    moved back to the last page, so a program reading page after page stops) and still says
    how many pages there are.
    """

    items: list[T] = field(default_factory=list)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    total: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_number(self) -> int:
        """The position in the whole list of the page's first item (1-based)."""
        return self.offset + 1

    @property
    def past_the_end(self) -> bool:
        return self.page > self.pages

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager shows: the first, the last and those around this one;
        None stands for a gap."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.pages):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def requested_page(args: MultiDict[str, str]) -> tuple[int, int]:
    """``?page=`` and ``?per_page=`` from a web address, held within bounds.

    People edit addresses: what cannot be read is the default, a number out of bounds is the
    nearest bound (per page 1 to MAX_PER_PAGE, pages 1 to MAX_PAGE).
    """
    page = args.get("page", 1, type=int)
    per_page = args.get("per_page", DEFAULT_PER_PAGE, type=int)
    return min(max(1, page), MAX_PAGE), min(max(1, per_page), MAX_PER_PAGE)


def paginate(statement: Select[Any], page: int, per_page: int, total: int | None = None) -> Page[Any]:
    """Page ``page`` of ``statement``'s results (ordered by the caller), counting them unless
    ``total`` is given."""
    if total is None:
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        total = db.session.scalar(counted) or 0

    def fetch(limit: int, offset: int) -> Iterable[Any]:
        return db.session.scalars(statement.limit(limit).offset(offset))

    return fetch_page(fetch, page, per_page, total)


def fetch_page(fetch: Callable[[int, int], Iterable[Any]], page: int, per_page: int, total: int) -> Page[Any]:
    """Page ``page`` of ``total`` results; ``fetch(limit, offset)`` reads its items, and is not
    called for a page holding none (past the last)."""
    result: Page[Any] = Page([], page, per_page, total)
    if result.offset < total:
        result.items = list(fetch(per_page, result.offset))
    return result


# ---- keyset pages: a list too long to count -----------------------------------------------------

Direction = Literal["older", "newer"]


@dataclass
class KeysetPage(Generic[T]):
    """A page of a list read newest first, found from the item next to it rather than by its
    number: what it costs is its own rows, however long the list. ``older`` is the last item
    when older items follow it (the next page starts after it), ``newer`` the first item when
    newer items precede it."""

    items: list[T] = field(default_factory=list)
    per_page: int = DEFAULT_PER_PAGE
    older: T | None = None
    newer: T | None = None
    first: bool = True  # the newest page, asked for without a starting item


def requested_keyset(args: MultiDict[str, str]) -> tuple[tuple[Direction, int] | None, int]:
    """``?older=`` or ``?newer=`` (the id of the item a page starts after) and ``?per_page=``
    from a web address; what cannot be read is the first page."""
    per_page = min(max(1, args.get("per_page", DEFAULT_PER_PAGE, type=int)), MAX_PER_PAGE)
    directions: tuple[Direction, ...] = ("older", "newer")
    for direction in directions:
        at = args.get(direction, type=int)
        if at is not None and at > 0:
            return (direction, at), per_page
    return None, per_page


def _after(columns: tuple[Any, ...], values: tuple[Any, ...], *, newer: bool, or_equal: bool = False) -> Any:
    """The rows after ``values`` in the order of ``columns`` (newest first), or before them
    when ``newer``: (a, b) < (x, y) spelled out, which both databases read from an index."""
    conditions: list[ColumnElement[bool]] = []
    for n, (column, value) in enumerate(zip(columns, values, strict=True)):
        equal = [c == v for c, v in zip(columns[:n], values[:n], strict=True)]
        conditions.append(and_(*equal, column > value if newer else column < value))
    if or_equal:
        conditions.append(and_(*(c == v for c, v in zip(columns, values, strict=True))))
    return or_(*conditions)


def keyset_page(
    statement: Select[Any],
    columns: tuple[Any, ...],
    start: tuple[Direction, tuple[Any, ...]] | None,
    per_page: int,
) -> KeysetPage[Any]:
    """The page of ``statement`` (unordered; ordered here by ``columns``, newest first, which
    must tell every row apart) after or before the row whose ``columns`` are ``start``'s
    values; the first page when ``start`` is None. At most ``per_page + 1`` rows are read,
    and one more to know whether the other direction holds anything."""

    def exists(condition: Any) -> bool:
        probe = statement.where(condition).with_only_columns(literal(1), maintain_column_froms=True)
        return db.session.scalar(probe.order_by(None).limit(1)) is not None

    if start is None or start[0] == "older":
        ordered = statement.order_by(*(c.desc() for c in columns))
        if start is not None:
            ordered = ordered.where(_after(columns, start[1], newer=False))
        rows = list(db.session.scalars(ordered.limit(per_page + 1)))
        items, more = rows[:per_page], len(rows) > per_page
        has_newer = start is not None and exists(_after(columns, start[1], newer=True, or_equal=True))
        newer = items[0] if has_newer and items else None
        return KeysetPage(items, per_page, items[-1] if more else None, newer, first=start is None)
    ordered = statement.order_by(*(c.asc() for c in columns)).where(_after(columns, start[1], newer=True))
    rows = list(db.session.scalars(ordered.limit(per_page + 1)))
    items, more = rows[:per_page][::-1], len(rows) > per_page
    has_older = exists(_after(columns, start[1], newer=False, or_equal=True))
    return KeysetPage(
        items, per_page, items[-1] if has_older and items else None, items[0] if more else None, False
    )
