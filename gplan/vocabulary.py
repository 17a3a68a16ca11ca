"""The base of every vocabulary (statuses, kinds, roles): a value is defined once, with its label.

Each domain keeps its words in its own ``vocabulary`` module (``gplan.tasks.vocabulary``,
``gplan.reminders.vocabulary``, ``gplan.mail.vocabulary``, ``gplan.accounts.vocabulary``,
``gplan.reporting.vocabulary``); templates reach them as Jinja globals of the same names.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self, cast


class RichStrEnum(StrEnum):
    """A string enum whose values are what the database stores and the API sends, unchanged;
    each member carries its translatable label (``.title``) and its CSS class (``.css_class``).

    Members are written ``NAME = "value", lazy_gettext("Label"), "css-class"`` (the class may be
    left out). A member equals, and hashes like, its value, so it can be compared with and
    looked up by the plain strings read from requests and rows. ``.title`` hides ``str.title``
    on purpose: the label is the title that matters here.
    """

    _title: Any  # the label: a lazy translation, or the value itself
    _css_class: str

    def __new__(cls, value: str, title: Any = None, css_class: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._title = title if title is not None else value
        member._css_class = css_class or ""
        return member

    @property
    def title(self) -> Any:  # the label (a lazy translation), translated when shown
        return self._title

    @property
    def css_class(self) -> str:
        return self._css_class

    @classmethod
    def values(cls) -> list[str]:
        """The stored values in definition order (for validators, schemas and choices)."""
        return [member.value for member in cls]

    @classmethod
    def get(cls, value: object) -> Self | None:
        """The member for ``value``, or None for a value outside the vocabulary."""
        return cast("Self | None", cls._value2member_map_.get(value))

    @classmethod
    def label_of(cls, value: Any) -> Any:
        """The label of ``value``, or the value itself when it is not in the vocabulary (e.g. a
        row written by an older version)."""
        member = cls.get(value)
        return value if member is None else member.title

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, label) pairs for a form's select or radio field."""
        return [(member.value, member.title) for member in cls]
