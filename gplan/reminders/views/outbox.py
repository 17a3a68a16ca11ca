"""The outbox page: every message, its state, and why it is stuck."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.mail.delivery import deliver_pending, requeue
from gplan.mail.outbox import (
    KIND_LABELS,
    REMINDER_KIND_LABELS,
    STATUS_LABELS,
    STATUSES,
    content_visible,
    outbox_page,
    reminders_of,
)
from gplan.models import MailMessage
from gplan.models.user import ADMIN, COORDINATOR
from gplan.paging import requested_page
from gplan.reminders.views import bp


@bp.route("/outbox")
@roles_required(ADMIN, COORDINATOR)
def outbox():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    search = (request.args.get("q") or "").strip()[:100]
    listing = outbox_page(status, search, *requested_page(request.args))
    return render_template(
        "reminders/outbox.html",
        page=listing.page,
        counts=listing.counts,
        status=status,
        search=search,
        statuses=STATUSES,
        STATUS_LABELS=STATUS_LABELS,
        KIND_LABELS=KIND_LABELS,
        mail_server=current_app.config.get("MAIL_SERVER"),
    )


@bp.route("/outbox/<int:message_id>")
@roles_required(ADMIN, COORDINATOR)
def outbox_message(message_id: int):
    message = db.session.get(MailMessage, message_id) or abort(404)
    return render_template(
        "reminders/message.html",
        message=message,
        visible=content_visible(message),
        reminders=reminders_of(message),
        REMINDER_KIND_LABELS=REMINDER_KIND_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        KIND_LABELS=KIND_LABELS,
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@roles_required(ADMIN, COORDINATOR)
def retry_message(message_id: int):
    message = db.session.get(MailMessage, message_id) or abort(404)
    if not current_app.config.get("MAIL_SERVER"):
        flash(gettext("No mail server is configured, so messages stay in the outbox."), "error")
    elif requeue([message.id]):
        db.session.commit()
        deliver_pending(only=[message.id])
        flash(gettext("The message was put back in the queue."), "success")
    else:
        flash(gettext("Only held or failed messages can be sent again."), "error")
    return redirect(url_for(".outbox_message", message_id=message.id))
