"""The comment thread on a task, between its body and the coordinators.

A comment is not mailed by itself: the next daily digest carries the new comments to the
others in the thread (:func:`comments_for_digest`), one mail a day rather than one per comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from gplan.accounts.access import can_comment, require
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import Body, Responsibility, Task, TaskComment, User
from gplan.ops import audit
from gplan.timeutil import utcnow
from gplan.validation import InputError

TEXT_MAX = 4000


def add_comment(task: Task, author: User, text: str) -> TaskComment:
    """Add ``text`` to ``task``'s thread as ``author`` (one of the body's focal points, a
    coordinator or an administrator; observers only read). Audited; the others in the thread
    read it in their next daily digest. Other features open the thread through here (e.g. a
    returned submission's reason). Raises InputError for an empty or too long text. The
    caller commits."""
    require(can_comment(author, task))
    text = (text or "").strip()
    if not text:
        raise InputError(gettext("Write the comment."), "text")
    if len(text) > TEXT_MAX:
        raise InputError(gettext("At most %(n)d characters.", n=TEXT_MAX), "text")
    comment = TaskComment(task=task, author_id=author.id, at=utcnow(), text=text)
    db.session.add(comment)
    db.session.flush()
    audit.record(
        audit.COMMENT_ADDED,
        actor=author,
        subject=task,
        summary=f"{task.audit_label}: {text[:200]}",
        details={"comment_id": comment.id},
    )
    return comment


def comments_of(task: Task) -> list[TaskComment]:
    """The task's thread, oldest first."""
    return list(
        db.session.scalars(
            select(TaskComment)
            .where(TaskComment.task_id == task.id)
            .options(selectinload(TaskComment.author))
            .order_by(TaskComment.at, TaskComment.id)
        )
    )


@dataclass
class CommentNote:
    """A new comment as a digest shows it."""

    comment_id: int
    task_id: int
    ref: str
    title: str
    title_en: str | None
    body_name: str
    author: str
    at: datetime
    text: str

    def display_title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title


@dataclass
class Reader:
    """Someone a new comment is for."""

    user_id: int
    email: str
    name: str
    locale: str


def comments_for_digest(until: datetime) -> list[tuple[Reader, list[CommentNote]]]:
    """The comments written before ``until`` that no digest has carried yet, by reader: the
    task's body's focal points, the coordinators, and whoever else wrote in the thread, never
    the comment's own author. Readers sorted by address, comments oldest first."""
    rows = db.session.execute(
        select(TaskComment, Task.body_id, Responsibility, Body.name)
        .join(Task, Task.id == TaskComment.task_id)
        .join(Responsibility, Responsibility.id == Task.responsibility_id)
        .join(Body, Body.id == Task.body_id)
        .where(TaskComment.digested_at.is_(None), TaskComment.at < until)
        .options(selectinload(TaskComment.author))
        .order_by(TaskComment.at, TaskComment.id)
    ).all()
    if not rows:
        return []
    body_ids = {body_id for _, body_id, _, _ in rows}
    task_ids = {comment.task_id for comment, _, _, _ in rows}
    people = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(
                User.is_enabled.is_(True),
                or_(User.body_id.in_(body_ids), User.role == Role.COORDINATOR),
            )
        )
    }
    writers: dict[int, set[int]] = {}
    for task_id, author_id in db.session.execute(
        select(TaskComment.task_id, TaskComment.author_id).where(
            TaskComment.task_id.in_(task_ids), TaskComment.author_id.is_not(None)
        )
    ):
        writers.setdefault(task_id, set()).add(author_id)
    for user in db.session.scalars(
        select(User).where(User.id.in_(set().union(*writers.values())), User.is_enabled.is_(True))
    ):
        people.setdefault(user.id, user)
    by_reader: dict[int, list[CommentNote]] = {}
    for comment, body_id, duty, body_name in rows:
        note = CommentNote(
            comment.id,
            comment.task_id,
            duty.ref,
            duty.text,
            duty.title_en,
            body_name,
            comment.author.name if comment.author else gettext("system"),
            comment.at,
            comment.text,
        )
        for user in people.values():
            in_thread = user.body_id == body_id if user.body_id is not None else user.role == Role.COORDINATOR
            if user.id != comment.author_id and (in_thread or user.id in writers.get(comment.task_id, ())):
                by_reader.setdefault(user.id, []).append(note)
    readers = [
        (Reader(user.id, user.email.lower(), user.name, user.locale or "vi"), by_reader[user.id])
        for user in people.values()
        if user.id in by_reader
    ]
    return sorted(readers, key=lambda pair: pair[0].email)


def mark_digested(comment_ids: set[int]) -> None:
    """The comments a queued digest carries are not carried again. The caller commits."""
    if comment_ids:
        db.session.execute(
            update(TaskComment)
            .where(TaskComment.id.in_(comment_ids), TaskComment.digested_at.is_(None))
            .values(digested_at=utcnow())
            .execution_options(synchronize_session=False)
        )
