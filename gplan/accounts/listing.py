"""The users list of the admin pages: filtered, in the order people read it, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.accounts.vocabulary import Role
from gplan.collation import name_key
from gplan.extensions import db
from gplan.models import User
from gplan.paging import DEFAULT_PER_PAGE, Page, fetch_page
from gplan.tasks.search import fold

# The order roles are listed in: who runs the installation first.
ROLE_ORDER = {role: n for n, role in enumerate(Role)}


@dataclass(frozen=True)
class UserFilter:
    role: str | None = None
    body_id: int | None = None
    who: str | None = None  # a piece of the name or the email


def users_page(filters: UserFilter, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> Page[User]:
    """One page of the matching users, by role then in Vietnamese alphabetical order of their
    names; ``who`` is found in the name or the email with or without marks ("nguyen" finds
    "Nguyễn"). The order and the folding are ICU's and Python's (no database spells them), so
    the users' ids, roles, names and emails are read, filtered and sorted, and only the page's
    users are loaded."""
    query = select(User.id, User.role, User.name, User.email)
    if filters.role in Role.values():
        query = query.where(User.role == filters.role)
    if filters.body_id:
        query = query.where(User.body_id == filters.body_id)
    rows = list(db.session.execute(query))
    who = " ".join(fold(filters.who or "").split())
    if who:
        rows = [row for row in rows if who in fold(f"{row.name} {row.email}")]
    rows.sort(key=lambda row: (ROLE_ORDER.get(row.role, len(ROLE_ORDER)), name_key(row.name), row.id))
    ids = [row.id for row in rows]

    def fetch(limit: int, offset: int) -> list[User]:
        chosen = ids[offset : offset + limit]
        found = db.session.scalars(select(User).where(User.id.in_(chosen)).options(selectinload(User.body)))
        by_id = {user.id: user for user in found}
        return [by_id[user_id] for user_id in chosen]

    return fetch_page(fetch, page, per_page, len(ids))
