"""Flask-Login glue: a cookie carries the user id and the session version it was issued for."""

from flask_babel import lazy_gettext

from gplan.models import User
from gplan.models.lookup import by_id


def load_user(user_id: str) -> User | None:
    identifier, _, version = user_id.partition(":")
    if not identifier.isdigit() or not version.isdigit():
        return None
    user = by_id(User, int(identifier))
    if user is None or user.session_version != int(version) or not user.is_enabled:
        return None
    return user


def unauthorized_message(_message: str) -> str:
    return str(lazy_gettext("Please sign in to see this page."))
