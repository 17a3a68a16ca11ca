"""The users list of the admin pages: filtered, in the order people read it, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from gplan.accounts.vocabulary import Role
from gplan.collation import name_key
from gplan.extensions import db
from gplan.models import User
from gplan.paging import DEFAULT_PER_PAGE, Page, fetch_page

# The order roles are listed in: who runs the installation first.
ROLE_ORDER = {role: n for n, role in enumerate(Role)}


@dataclass(frozen=True)
class UserFilter:
    role: str | None = None
    body_id: int | None = None
    who: str | None = None  # a piece of the name or the email


def users_page(filters: UserFilter, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> Page[User]:
    """One page of the matching users, by role then in Vietnamese alphabetical order of their
    names. The order is the collation's (no database spells it), so the matching users' ids,
    roles and names are read and sorted, and only the page's users are loaded."""
    query = select(User.id, User.role, User.name)
    if filters.role in Role.values():
        query = query.where(User.role == filters.role)
    if filters.body_id:
        query = query.where(User.body_id == filters.body_id)
    who = (filters.who or "").strip().lower()
    if who:
        pattern = "%" + who.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    rows = sorted(
        db.session.execute(query), key=lambda row: (ROLE_ORDER.get(row.role, 99), name_key(row.name), row.id)
    )
    ids = [row.id for row in rows]

    def fetch(limit: int, offset: int) -> list[User]:
        chosen = ids[offset : offset + limit]
        found = db.session.scalars(select(User).where(User.id.in_(chosen)).options(selectinload(User.body)))
        by_id = {user.id: user for user in found}
        return [by_id[user_id] for user_id in chosen]

    return fetch_page(fetch, page, per_page, len(ids))
