"""Accounts: creating users, invitations, passwords and sign-in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from gplan.accounts import sign_in_limits
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.delivery import queue_mail, render_mail
from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS, MailKind, MailState
from gplan.models import Body, MailMessage, User
from gplan.ops import audit
from gplan.public_address import external_url
from gplan.reminders.digest import dedupe_key
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
    audit.record(
        audit.USER_CREATED,
        actor=actor,
        subject=user,
        summary=f"{user.email} ({user.role})",
        details={"role": user.role, "body": user.body.key if user.body else None},
    )
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


@dataclass
class QueuedLink:
    """A password link put in the outbox; ``held`` when no mail server is configured, so the
    mail will not go out and the link must be handed over another way."""

    link: str
    message: MailMessage | None
    held: bool


def _link_mail(user: User, kind: str, link: str) -> dict[str, Any]:
    hours = current_app.config["INVITE_MAX_AGE_HOURS"]
    text, html = render_mail(kind, user.locale, user=user, link=link, hours=hours)
    kind = MailKind(kind)
    with force_locale(user.locale):
        subject = (
            gettext("Your gplan account") if kind == MailKind.INVITE else gettext("Reset your gplan password")
        )
    return {"kind": kind, "recipient": user.email, "subject": subject, "text": text, "html": html}


def send_password_link(user: User, kind: str = MailKind.INVITE, dedupe: str | None = None) -> QueuedLink:
    """Queue an invitation or a reset link for ``user`` in the outbox. The outbox sender sends
    it (within ACCOUNT_MAIL_SECONDS), never the request, so a slow mail server cannot stall a
    page. Without a mail server the message is held, and the caller shows the link instead.
    ``dedupe`` is an outbox key: a second message with it is not queued (``message`` None).
    The caller commits."""
    link = external_url("auth.set_password", token=password_token(user))
    message = queue_mail(**_link_mail(user, kind, link), dedupe_key=dedupe)
    held = not current_app.config.get("MAIL_SERVER")
    if held and message is not None:
        message.status = MailState.HELD
    return QueuedLink(link, message, held)


def last_link_mail(user: User) -> MailMessage | None:
    """The latest invitation or reset mail to ``user``, whose state (waiting, sent, held,
    failed) the admin sees on the user's page."""
    query = (
        select(MailMessage)
        .where(MailMessage.kind.in_(ACCOUNT_MAIL_KINDS), MailMessage.recipient == user.email)
        .order_by(MailMessage.id.desc())
    )
    return db.session.scalar(query.limit(1))


def _reset_minutes() -> int:
    return int(current_app.config["RESET_MAIL_MINUTES"])


def _reset_key(user: User, now: datetime) -> str | None:
    """One reset mail per account and RESET_MAIL_MINUTES period, even for requests made at the
    same moment (the outbox refuses a second message with the same key)."""
    minutes = _reset_minutes()
    if minutes <= 0:
        return None
    return dedupe_key(MailKind.RESET, str(user.id), str(int(now.timestamp() // (minutes * 60))))


def _recent_reset(user: User, now: datetime) -> bool:
    if _reset_minutes() <= 0:
        return False
    since = now - timedelta(minutes=_reset_minutes())
    query = select(MailMessage.id).where(
        MailMessage.kind == MailKind.RESET,
        MailMessage.recipient == user.email,
        MailMessage.created_at >= since,
    )
    return db.session.scalar(query.limit(1)) is not None


def request_password_reset(email: str) -> None:
    """Someone asked for a reset link for ``email`` on the sign-in pages. An enabled account
    using it gets one — at most one per RESET_MAIL_MINUTES, however often it is asked for.
    The work and the answer are the same whether or not the account exists (the mail is
    rendered either way and the request is audited), so neither reveals who has an account.
    Commits."""
    user = find_user_by_email(email)
    eligible = user is not None and user.is_enabled
    now = utcnow()
    queued = None
    if not eligible:
        stand_in = User(email=email.strip().lower()[:254], name="", locale="vi")
        _link_mail(
            stand_in, MailKind.RESET, external_url("auth.set_password", token=secrets.token_urlsafe(48))
        )
    elif user is not None and not _recent_reset(user, now):  # eligible, so a user
        queued = send_password_link(user, MailKind.RESET, dedupe=_reset_key(user, now)).message
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the audit log's language
        if not eligible:
            outcome = gettext("No enabled account uses this address: nothing sent.")
        elif queued is None:
            outcome = gettext(
                "A link was queued less than %(n)d minutes ago: none queued.", n=_reset_minutes()
            )
        else:
            outcome = gettext("Link queued.")
    audit.record(
        audit.PASSWORD_RESET_REQUESTED, email=email, subject=user if eligible else None, summary=outcome
    )
    db.session.commit()


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


@dataclass
class SignIn:
    """The outcome of a sign-in attempt: the user, or why not (``blocked_until`` when this
    address has used up its tries for this email)."""

    user: User | None = None
    blocked_until: datetime | None = None


def end_sessions(user: User) -> None:
    """Make every login cookie issued to ``user`` so far stop working. The caller commits."""
    user.session_version += 1


@cache
def _stand_in_hash(method: str) -> str:
    """A password hash made like real ones (``PASSWORD_HASH_METHOD``), checked when there is no
    real one to check, so a sign-in costs the same for an unknown email as for a real account."""
    return generate_password_hash(secrets.token_urlsafe(32), method=method)


def authenticate(email: str, password: str) -> SignIn:
    """Check a sign-in from the current request's address.

    Wrong passwords are throttled per (address, email) with an account-wide ceiling (see
    :mod:`.sign_in_limits`), counted the same for unknown emails; unknown, disabled and
    invited-but-unset accounts still pay for one password check. So neither the answer nor
    its time tells whether an account exists. Every attempt is audited, refused ones under the
    address typed. The caller commits."""
    blocked = sign_in_limits.blocked_until(email)
    if blocked is not None:
        current_app.logger.warning("sign-in refused: too many wrong passwords for %r from here", email)
        audit.record(audit.LOGIN_FAILED, email=email.strip().lower())
        return SignIn(blocked_until=blocked)
    user = find_user_by_email(email)
    real = user is not None and user.is_enabled and bool(user.password_hash)
    if not real:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        accepted = False
    else:
        assert user is not None  # real, so a user
        accepted = user.check_password(password)
    if not accepted:
        current_app.logger.warning("failed sign-in for %r", email)
        audit.record(audit.LOGIN_FAILED, email=email.strip().lower())
        return SignIn(blocked_until=sign_in_limits.record_failure(email))
    sign_in_limits.forget_failures(email)
    assert user is not None  # accepted, so real
    user.last_login_at = utcnow()
    audit.record(audit.LOGIN, actor=user)
    return SignIn(user=user)
