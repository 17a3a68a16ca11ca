"""The private calendar feed: no sign-in, the secret address is the key."""

from flask import Response, abort

from gplan.reminders.calendar import calendar_for, feed_for_token, note_feed_used
from gplan.reminders.views import bp


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    feed = feed_for_token(token) if len(token) <= 64 else None
    if feed is None:
        abort(404)
    body = calendar_for(feed.user)
    note_feed_used(feed)  # after the read, at most daily; never fails the fetch
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="gplan.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
