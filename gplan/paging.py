"""Pages of the lists that grow with the data: one Page type for the web pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
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
