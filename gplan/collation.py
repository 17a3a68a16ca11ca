"""Sorting names as Vietnamese readers expect (ICU's Vietnamese collation, through PyICU):
"Ủy ban" before "Văn phòng", "Đ" after "D", "Ă" and "Â" after "A" — which sorting by code
point gets wrong. English names sort the same way they would in English."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu

T = TypeVar("T")
_local = threading.local()


def _collator(locale: str) -> icu.Collator:
    # One collator per thread and language: creating one is slow, sharing one is not documented
    # as safe for every ICU version.
    collators = _local.__dict__.setdefault("collators", {})
    if locale not in collators:
        collators[locale] = icu.Collator.createInstance(icu.Locale(locale))
    return collators[locale]


def name_key(name: str | None, locale: str = "vi") -> bytes:
    """A sort key for ``name`` in ``locale``'s alphabetical order."""
    key: bytes = _collator(locale).getSortKey(name or "")
    return key


def by_name(
    items: Iterable[T], name: Callable[[T], str], locale: str = "vi", reverse: bool = False
) -> list[T]:
    """``items`` in alphabetical order of ``name(item)``."""
    collator = _collator(locale)
    return sorted(items, key=lambda item: collator.getSortKey(name(item) or ""), reverse=reverse)
