"""Who may see and change what. Every rule reads the record, never the request.

The web pages and the API call the same rules, so a focal point sees the same through both.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true

from gplan.extensions import db
from gplan.models import Body, Responsibility, Target, Task, User


class AccessDenied(Exception):
    """The user may not see or change this record."""


def can_view_body(user: User, body: Body) -> bool:
    return user.sees_all_bodies or (user.is_focal_point and user.body_id == body.id)


def can_view_task(user: User, task: Task) -> bool:
    return user.sees_all_bodies or (user.is_focal_point and user.body_id == task.body_id)


def can_change_task(user: User, task: Task) -> bool:
    """A task closed when its body was retired is a record: nobody changes it or writes on it."""
    if task.is_closed:
        return False
    return user.edits_all_progress or (user.is_focal_point and user.body_id == task.body_id)


def can_ask_extension(user: User, task: Task) -> bool:
    """Only the body's own focal points ask for a later deadline (the coordinator extends it
    directly), and not of a closed task."""
    return user.is_focal_point and user.body_id == task.body_id and not task.is_closed


def can_decide_extension(user: User) -> bool:
    """Coordinators and administrators approve or refuse extension requests."""
    return user.edits_all_progress


def can_comment(user: User, task: Task) -> bool:
    """The thread is between the task's body and the coordinators; observers read it."""
    return can_change_task(user, task)


def reports_target(user: User, target: Target) -> bool:
    """Whether ``user`` is a focal point of the body that reports ``target``'s figures."""
    return user.is_focal_point and target.owner_body_id is not None and target.owner_body_id == user.body_id


def can_view_target(user: User, target: Target) -> bool:
    """A target's figures: everyone who sees all bodies, and the focal points of the body that
    reports them. (The plan page shows every target's wording and value to everyone, without
    figures.)"""
    return user.sees_all_bodies or reports_target(user, target)


def can_enter_figures(user: User, target: Target) -> bool:
    """The coordinator may enter or correct any figure; a focal point, those its body reports."""
    return user.edits_all_progress or reports_target(user, target)


def responsibilities_visible_to(user: User) -> ColumnElement[bool]:
    """Which responsibilities ``user`` may read, as a condition on Responsibility: the plan's own
    duties are public to everyone signed in (the plan page lists them); ad-hoc work only to
    those who see all bodies and to the bodies it was given to (that hold a task of it)."""
    if user.sees_all_bodies:
        return true()
    if not user.is_focal_point or user.body_id is None:
        return Responsibility.ad_hoc.is_(False)
    own = select(Task.responsibility_id).where(Task.body_id == user.body_id)
    return or_(Responsibility.ad_hoc.is_(False), Responsibility.id.in_(own))


def can_view_responsibility(user: User, responsibility: Responsibility) -> bool:
    """One responsibility, by the rule of :func:`responsibilities_visible_to`."""
    if user.sees_all_bodies or not responsibility.ad_hoc:
        return True
    query = select(Responsibility.id).where(
        Responsibility.id == responsibility.id, responsibilities_visible_to(user)
    )
    return db.session.scalar(query) is not None


def can_write_body_report(user: User, body: Body) -> bool:
    """A body's yearly report is written and submitted by that body's own focal points only:
    it is the body's word to the coordinator."""
    return user.is_focal_point and user.body_id == body.id


def can_review_reports(user: User) -> bool:
    """Accepting, returning and reopening a body's report, and filling in the province's
    report: the coordinators and the administrators."""
    return user.edits_all_progress


def require(allowed: bool) -> None:
    if not allowed:
        raise AccessDenied


def visible_body_ids(user: User) -> set[int] | None:
    """The bodies whose tasks ``user`` may see; None means every body."""
    if user.sees_all_bodies:
        return None
    return {user.body_id} if user.is_focal_point and user.body_id else set()
