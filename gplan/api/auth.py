"""Who is calling the API: a personal token (Authorization: Bearer …) or the browser session.

The API blueprints are exempt from the app-wide CSRF check, because a token request carries
no cookie to forge. A session-signed write must still prove it comes from our own pages, so
the CSRF check is made here for those.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext
from flask_login import current_user
from flask_smorest import abort

from gplan.accounts.tokens import user_for_token
from gplan.extensions import csrf, login_manager
from gplan.models import User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
TOKEN = "token"  # the name of an authentication method, not a secret  # nosec B105
SESSION = "session"


def _unauthorized(message: str):
    abort(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="gplan"'})


def authenticate() -> None:
    """before_request of every API blueprint: find the user, check CSRF and the body's size."""
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            _unauthorized(gettext("Send the token as 'Authorization: Bearer <token>'."))
        user = user_for_token(secret.strip())
        if user is None:
            _unauthorized(
                gettext("The API token is not valid: it is unknown, revoked or its user is disabled.")
            )
        # Make the token's user the request's user, so current_user and the language follow it.
        login_manager._update_request_context_with_user(user)
        g.api_auth = TOKEN
    elif current_user.is_authenticated:
        g.api_auth = SESSION
        if request.method not in SAFE_METHODS:
            csrf.protect()
    else:
        _unauthorized(gettext("Sign in, or send a personal API token as 'Authorization: Bearer <token>'."))
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        abort(415)


def api_user() -> User:
    """The authenticated caller (set by :func:`authenticate`)."""
    return current_user._get_current_object()
