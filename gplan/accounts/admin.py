"""Administering accounts: role and body, disabling, and password links."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, select

from gplan.accounts import users as accounts
from gplan.accounts.tokens import revoke_all
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.vocabulary import MailKind
from gplan.models import Body, User
from gplan.ops import audit
from gplan.validation import InputError


def _enabled_admins() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_enabled)) or 0


def update_user(actor: User, user: User, *, name: str, role: str, body: Body | None, locale: str) -> None:
    """Change a user's name, language, role and body. The caller commits.

    An admin cannot change their own role, so the installation always keeps an administrator.
    """
    if role not in Role.values():
        raise InputError(gettext("Unknown role."), "role")
    if role == Role.FOCAL_POINT and body is None:
        raise InputError(gettext("A focal point must belong to a body."), "body")
    if role == Role.FOCAL_POINT and body is not None and body.is_group:  # None was refused above
        raise InputError(gettext("Choose one unit, not a group of bodies."), "body")
    if user.id == actor.id and role != user.role:
        raise InputError(gettext("You cannot change your own role."), "role")
    body = body if role == Role.FOCAL_POINT else None
    before = {"role": user.role, "body": user.body.key if user.body else None}
    after = {"role": role, "body": body.key if body else None}
    user.name, user.locale = name.strip(), locale
    user.role, user.body = Role(role), body
    if before != after:
        audit.record(
            audit.ROLE_CHANGED,
            actor=actor,
            subject=user,
            summary=f"{user.email}: {before['role']}/{before['body'] or '-'} → {role}/{after['body'] or '-'}",
            details={"before": before, "after": after},
        )


def set_enabled(actor: User, user: User, enabled: bool) -> None:
    """Disable or re-enable an account. Disabling ends its sessions and revokes its API tokens
    at once. The caller commits."""
    if user.is_enabled == enabled:
        return
    if not enabled:
        if user.id == actor.id:
            raise InputError(gettext("You cannot disable your own account."))
        if user.role == Role.ADMIN and _enabled_admins() <= 1:
            raise InputError(gettext("This is the last administrator: it cannot be disabled."))
        user.session_version += 1
        revoke_all(user)
    user.is_enabled = enabled
    audit.record(
        audit.USER_ENABLED if enabled else audit.USER_DISABLED, actor=actor, subject=user, summary=user.email
    )


def send_link(actor: User, user: User, kind: str) -> accounts.QueuedLink:
    """Queue an invitation (no password yet) or a password reset link for ``user``; commits.

    The mail goes out with the outbox (or is held without a mail server: the caller then
    shows the returned link to the admin, once)."""
    if not user.is_enabled:
        raise InputError(gettext("The account is disabled: enable it first."))
    action = audit.INVITE_SENT if kind == MailKind.INVITE else audit.PASSWORD_RESET_SENT
    audit.record(action, actor=actor, subject=user, summary=user.email)
    queued = accounts.send_password_link(user, kind=kind)
    db.session.commit()
    return queued
