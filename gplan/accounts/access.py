"""Who may see and change what. Every rule reads the record, never the request."""

from __future__ import annotations

from gplan.models import Body, Task, User


class AccessDenied(Exception):
    """The user may not see or change this record."""


def can_view_body(user: User, body: Body) -> bool:
    return user.sees_all_bodies or (user.is_focal_point and user.body_id == body.id)


def can_view_task(user: User, task: Task) -> bool:
    return user.sees_all_bodies or (user.is_focal_point and user.body_id == task.body_id)


def can_change_task(user: User, task: Task) -> bool:
    return user.edits_all_progress or (user.is_focal_point and user.body_id == task.body_id)


def require(allowed: bool) -> None:
    if not allowed:
        raise AccessDenied


def visible_body_ids(user: User) -> set[int] | None:
    """The bodies whose tasks ``user`` may see; None means every body."""
    if user.sees_all_bodies:
        return None
    return {user.body_id} if user.is_focal_point and user.body_id else set()
