"""One record by its id, with a statement built once per model.

``Session.get`` builds its SELECT anew on every call, and working out that statement's cache
key costs about as much as running it: twice the time of a statement built once and run
with the id bound (SQLAlchemy keeps a statement's cache key with it; see
``gplan.tasks.statements``). Pages read their plan, body or task by id on every request.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import Mapper, class_mapper

from gplan.extensions import db

M = TypeVar("M")

_BY_ID: dict[type, Select[Any]] = {}


def by_id(model: type[M], ident: int) -> M | None:
    """What ``db.session.get(model, ident)`` answers: the record already in the session when
    it holds it unexpired, else the one the database holds, or None."""
    mapper: Mapper[Any] = class_mapper(model)
    held = db.session.identity_map.get(mapper.identity_key_from_primary_key((ident,)))
    if held is not None and not inspect(held).expired:
        found: M = held
        return found
    statement = _BY_ID.get(model)
    if statement is None:
        statement = _BY_ID[model] = select(model).where(mapper.primary_key[0] == bindparam("ident"))
    return db.session.scalar(statement, {"ident": ident})
