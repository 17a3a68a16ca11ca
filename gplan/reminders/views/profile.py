"""A person's own page: which reminders they receive, and their private calendar address."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from gplan.extensions import db
from gplan.reminders.calendar import feed_of, feed_url, new_feed, revoke_feed
from gplan.reminders.policy import current_policy
from gplan.reminders.prefs import received_kinds, set_received_kinds
from gplan.reminders.views import bp
from gplan.reminders.views.forms import PreferencesForm
from gplan.reminders.vocabulary import ReminderKind


def _render(form: PreferencesForm):
    feed = feed_of(current_user)
    return render_template(
        "reminders/profile.html",
        form=form,
        feed=feed,
        url=feed_url(feed) if feed else None,
        policy=current_policy(),
    )


@bp.route("/profile/reminders")
@login_required
def profile():
    received = received_kinds(current_user)
    return _render(PreferencesForm(data={kind: kind in received for kind in ReminderKind.optional()}))


@bp.route("/profile/reminders", methods=["POST"])
@login_required
def save_preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _render(form), 400
    set_received_kinds(current_user, {kind for kind in ReminderKind.optional() if form[kind].data})
    db.session.commit()
    flash(gettext("Your reminder choices were saved."), "success")
    return redirect(url_for(".profile"))


@bp.route("/profile/calendar", methods=["POST"])
@login_required
def new_calendar():
    had_one = feed_of(current_user) is not None
    new_feed(current_user)
    db.session.commit()
    if had_one:
        flash(gettext("Your calendar has a new address; the old one no longer works."), "success")
    else:
        flash(gettext("Your calendar address is ready: add it to your calendar application."), "success")
    return redirect(url_for(".profile") + "#calendar")


@bp.route("/profile/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar():
    if revoke_feed(current_user):
        db.session.commit()
        flash(gettext("Your calendar address no longer works."), "success")
    return redirect(url_for(".profile") + "#calendar")
