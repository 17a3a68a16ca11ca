"""Flask-Login glue: a cookie carries the user id and the session version it was issued for."""

from flask_babel import lazy_gettext
from sqlalchemy import bindparam, select

from gplan.extensions import db
from gplan.models import User

# Every page reads its user: a statement built once keeps its cache key (gplan.tasks.statements).
_USER = select(User).where(User.id == bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    identifier, _, version = user_id.partition(":")
    if not identifier.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(_USER, {"user_id": int(identifier)})
    if user is None or user.session_version != int(version) or not user.is_enabled:
        return None
    return user


def unauthorized_message(_message: str) -> str:
    return str(lazy_gettext("Please sign in to see this page."))
