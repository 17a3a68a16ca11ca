"""The texts of a plan draft: listing them, flagging those that name a year of the period they
were written for, and editing one."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from gplan.models import PlanDraft, User
from gplan.plans.drafts import require_admin, require_open, save_edit
from gplan.validation import InputError

# The keys whose values are wording (the rest are keys, refs, numbers and days). Not the issuer:
# a plan file without a jurisdiction takes its bodies' jurisdiction from the issuer's name.
TEXT_KEYS = frozenset({"title", "title_en", "text", "text_en", "label", "label_en", "goal"})
# Lists of wording: an activity's contents, a solution group's items.
TEXT_LISTS = frozenset({"contents", "items"})
YEAR = re.compile(r"(?<!\d)(1[9]\d\d|2[0-2]\d\d)(?!\d)")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class DraftText:
    """One text of a draft: where it is (``path``, and ``where`` for people), the wording, and
    the old period's years it names (empty unless it is flagged)."""

    path: str
    where: str
    text: str
    years: tuple[int, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.years)


def _walk(node: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, str):
                yield (*path, key), value
            elif key in TEXT_LISTS and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*path, key, index), item
            else:
                yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, (*path, index))


def _where(content: dict[str, Any], path: Path) -> str:
    """A path for people: each item named by its ref, key or number, e.g. "objectives I.2.a ›
    targets I.2.a.1 › text"."""
    parts: list[str] = []
    node: Any = content
    for step in path:
        node = node[step]
        if isinstance(step, int):
            name = (
                node.get("ref") or node.get("key") or node.get("number") if isinstance(node, dict) else None
            )
            parts[-1] += f" {name if name is not None else step + 1}"
        else:
            parts.append(str(step))
    return " › ".join(parts)


def texts(draft: PlanDraft) -> list[DraftText]:
    """Every text of the draft in the file's order, each flagged if it names a year of the
    period it was written for (the body names are not texts of the plan)."""
    old = range(draft.old_period_start or 0, (draft.old_period_end or -1) + 1)
    found = []
    for path, text in _walk(draft.content, ()):
        if path[0] == "bodies":
            continue
        years = tuple(dict.fromkeys(int(y) for y in YEAR.findall(text) if int(y) in old))
        dotted = ".".join(str(step) for step in path)
        found.append(DraftText(dotted, _where(draft.content, path), text, years))
    return found


def flagged_texts(draft: PlanDraft) -> list[DraftText]:
    return [text for text in texts(draft) if text.flagged]


def _parse_path(content: dict[str, Any], dotted: str) -> tuple[Any, str | int]:
    """The container and the key of the text at ``dotted``; InputError if it is not a text."""
    steps: list[str | int] = [int(s) if s.isdigit() else s for s in (dotted or "").split(".")]
    node: Any = content
    try:
        for step in steps[:-1]:
            node = node[step]
        last = steps[-1]
        value = node[last]
    except (KeyError, IndexError, TypeError):
        raise InputError(gettext("There is no such text in the draft."), "text") from None
    is_text = (isinstance(last, str) and last in TEXT_KEYS) or (
        isinstance(last, int) and len(steps) > 1 and steps[-2] in TEXT_LISTS
    )
    if not is_text or not isinstance(value, str) or steps[0] == "bodies":
        raise InputError(gettext("There is no such text in the draft."), "text")
    return node, last


def text_at(draft: PlanDraft, dotted: str) -> DraftText:
    """The text at ``dotted`` (as listed by :func:`texts`); InputError if there is none."""
    _parse_path(draft.content, dotted)
    return next(t for t in texts(draft) if t.path == dotted)


def edit_text(actor: User, draft: PlanDraft, dotted: str, text: str) -> None:
    """Replace the wording at ``dotted``. An English gloss may be emptied, other texts not. The
    caller commits."""
    require_admin(actor)
    require_open(draft)
    content = copy.deepcopy(draft.content)
    node, last = _parse_path(content, dotted)
    text = (text or "").strip()
    optional = isinstance(last, str) and last.endswith("_en")
    if not text and not optional:
        raise InputError(gettext("Write the text; it cannot be empty."), "text")
    old = node[last]
    if text == old:
        return
    where = _where(content, tuple(int(s) if s.isdigit() else s for s in dotted.split(".")))
    if text:
        node[last] = text
    else:
        del node[last]
    save_edit(actor, draft, content, where, {"text": dotted, "from": old, "to": text})
