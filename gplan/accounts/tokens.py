"""Personal API tokens: created and revoked by their owner, checked on every API request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import func, select, update

from gplan.accounts.access import require
from gplan.extensions import db
from gplan.models import ApiToken, User
from gplan.ops import audit
from gplan.timeutil import utcnow
from gplan.validation import InputError

TOKEN_PREFIX = "gplan_"  # a public prefix that makes leaked tokens recognisable  # nosec B105
MAX_ACTIVE_TOKENS = 20
# Writing the last-use time on every request would turn reads into writes; once a minute is plenty.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and its secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise InputError(gettext("Give the token a name, e.g. the system that will use it."), "name")
    active = db.session.scalar(
        select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    assert active is not None  # COUNT always gives a row
    if active >= MAX_ACTIVE_TOKENS:
        raise InputError(
            gettext("You already have %(n)d tokens: revoke one you no longer use.", n=MAX_ACTIVE_TOKENS),
            "name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name[:100], prefix=secret[:14], token_hash=_digest(secret), created_at=utcnow()
    )
    db.session.add(token)
    db.session.flush()
    audit.record(audit.TOKEN_CREATED, actor=user, subject=token, summary=token.name)
    return token, secret


def revoke_token(user: User, token: ApiToken) -> None:
    """Revoke one of ``user``'s own tokens. The caller commits."""
    require(token.user_id == user.id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(audit.TOKEN_REVOKED, actor=user, subject=token, summary=token.name)


def revoke_all(user: User) -> int:
    """Revoke every token of ``user`` (when the account is disabled). The caller commits."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult


def user_for_token(secret: str) -> User | None:
    """The enabled user a live token belongs to, or None. Records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_enabled:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.commit()
    user: User = token.user
    return user
