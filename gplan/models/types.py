"""Column types shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, Dialect, Result, String, event
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always read back timezone-aware.

    SQLite has no time zones, so values are normalised to naive UTC on the way in and made
    aware on the way out; PostgreSQL gets a real ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def rows_affected(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed (``Session.execute`` is typed as returning a plain
    ``Result``, though for these statements it is a ``CursorResult``)."""
    return cast(CursorResult[Any], result).rowcount


class Vocabulary(TypeDecorator[Any]):
    """A column holding a vocabulary's values (a :class:`~gplan.vocabulary.RichStrEnum`): stored
    as the plain string, read back as the member, so code and templates get its label and CSS
    class. A stored value outside the vocabulary is read back as it is, never as an error."""

    impl = String
    cache_ok = True

    def __init__(self, vocabulary: type[StrEnum], length: int = 20):
        super().__init__(length)
        self.vocabulary = vocabulary

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return self.member(value)

    def member(self, value: Any) -> Any:
        """``value`` as the vocabulary's member when it is one of its values."""
        if isinstance(value, str):
            return self.vocabulary._value2member_map_.get(value, value)
        return value


@event.listens_for(Mapper, "mapper_configured")
def _vocabulary_members_on_set(mapper: Mapper[Any], class_: type) -> None:
    """A plain string assigned to a vocabulary column becomes its member at once, so code and
    templates see members whether the value was just set (from a form) or read back."""
    for prop in mapper.column_attrs:
        column_type = prop.columns[0].type
        if isinstance(column_type, Vocabulary):

            def coerce(
                _target: object,
                value: Any,
                _old: object,
                _initiator: object,
                column_type: Vocabulary = column_type,
            ) -> Any:
                return column_type.member(value)

            event.listen(getattr(class_, prop.key), "set", coerce, retval=True)
