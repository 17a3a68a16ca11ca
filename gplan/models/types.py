"""Column types shared by the models."""

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, Result
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC and always read back timezone-aware.

    SQLite has no time zones, so values are normalised to naive UTC on the way in and made
    aware on the way out; PostgreSQL gets a real ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def rows_affected(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed (``Session.execute`` is typed as returning a plain
    ``Result``, though for these statements it is a ``CursorResult``)."""
    return cast(CursorResult[Any], result).rowcount
