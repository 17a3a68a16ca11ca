"""Accounts: creating users, invitations, passwords and sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.delivery import deliver_pending, queue_mail, render_mail
from gplan.mail.vocabulary import MailKind
from gplan.models import Body, User
from gplan.ops import audit
from gplan.timeutil import utcnow
from gplan.validation import InputError

MIN_PASSWORD_LENGTH = 10


def find_user_by_email(email: str) -> User | None:
    if "\x00" in email:  # no address holds NUL, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    body: Body | None = None,
    locale: str = "vi",
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account and record it in the audit log, with ``actor`` as who did it (none
    from the command line). A focal point must belong to a body; other roles belong to none.
    The caller commits."""
    if role not in Role.values():
        raise InputError(gettext("Unknown role."), "role")
    if role == Role.FOCAL_POINT and body is None:
        raise InputError(gettext("A focal point must belong to a body."), "body")
    if find_user_by_email(email):
        raise InputError(gettext("An account with this email address already exists."), "email")
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        body=body if role == Role.FOCAL_POINT else None,
        locale=locale,
        created_at=utcnow(),
    )
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(audit.USER_CREATED, actor=actor, subject=user, summary=f"{user.email} ({user.role})")
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def password_token(user: User) -> str:
    """A set-password token; it dies when the password changes, so it works once."""
    return _serializer().dumps({"user": user.id, "pw": (user.password_hash or "")[-12:]})


def user_for_token(token: str) -> User | None:
    max_age = current_app.config["INVITE_MAX_AGE_HOURS"] * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.is_enabled or (user.password_hash or "")[-12:] != data.get("pw"):
        return None
    return user


def send_password_link(user: User, kind: str = MailKind.INVITE) -> None:
    """Email ``user`` a link to set a password: an invitation, or a reset."""
    link = current_app.config["BASE_URL"] + url_for("auth.set_password", token=password_token(user))
    hours = current_app.config["INVITE_MAX_AGE_HOURS"]
    text, html = render_mail(kind, user.locale, user=user, link=link, hours=hours)
    kind = MailKind(kind)
    with force_locale(user.locale):
        subject = (
            gettext("Your gplan account") if kind == MailKind.INVITE else gettext("Reset your gplan password")
        )
    message = queue_mail(kind=kind, recipient=user.email, subject=subject, text=text, html=html)
    db.session.commit()
    deliver_pending(only=[message.id])


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            gettext(
                "The password must have at least %(n)d characters.",
                n=MIN_PASSWORD_LENGTH,
            ),
            "password",
        )


def set_password(user: User, password: str) -> None:
    """Set a new password and end every other session of the user. The caller commits."""
    check_new_password(password)
    user.set_password(password)
    user.session_version += 1
    user.failed_logins, user.locked_until = 0, None


@dataclass
class SignIn:
    """The outcome of a sign-in attempt: the user, or why not (``locked_until`` when locked)."""

    user: User | None = None
    locked_until: datetime | None = None


def end_sessions(user: User) -> None:
    """Make every login cookie issued to ``user`` so far stop working. The caller commits."""
    user.session_version += 1


def authenticate(email: str, password: str) -> SignIn:
    """Check a sign-in. Repeated wrong passwords lock the account for a while; the real user
    gets back in by waiting or through a password-reset link. The caller commits."""
    user = find_user_by_email(email)
    if user is None or not user.is_enabled:
        current_app.logger.warning("failed sign-in for unknown or disabled account %r", email)
        return SignIn()
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        current_app.logger.warning("sign-in refused for locked account %s", user.email)
        return SignIn(locked_until=user.locked_until)
    if not user.check_password(password):
        user.failed_logins += 1
        current_app.logger.warning("failed sign-in %d for %s", user.failed_logins, user.email)
        if user.failed_logins >= current_app.config["LOCKOUT_THRESHOLD"]:
            user.failed_logins = 0
            user.locked_until = now + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
            return SignIn(locked_until=user.locked_until)
        return SignIn()
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return SignIn(user=user)
