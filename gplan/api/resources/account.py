"""The caller's own account."""

from flask import g
from flask_wtf.csrf import generate_csrf

from gplan.api.auth import SESSION, api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.schemas import MeSchema

bp = resource_blueprint("Account", __name__, "Who the API sees as the caller.")


@bp.get("/me")
@bp.response(200, MeSchema)
@documented_errors(bp, 401)
def me():
    """The caller's account, how it was recognised, and (for the browser session) the CSRF token."""
    user = api_user()
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "body": user.body,
        "locale": user.locale,
        "authenticated_by": g.api_auth,
        "csrf_token": generate_csrf() if g.api_auth == SESSION else None,
    }
