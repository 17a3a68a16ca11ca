"""The private calendar feed: no sign-in, the secret address is the key."""

from flask import Response, abort

from gplan.extensions import db
from gplan.reminders.calendar import calendar_for, user_for_token
from gplan.reminders.views import bp


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = user_for_token(token) if len(token) <= 64 else None
    if user is None:
        abort(404)
    body = calendar_for(user)
    db.session.commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="gplan.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
