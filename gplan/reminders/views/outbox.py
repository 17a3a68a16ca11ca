"""The outbox page: every message, its state, and why it is stuck."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from gplan.accounts.vocabulary import Role
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.mail.delivery import deliver_pending, requeue
from gplan.mail.outbox import content_visible, outbox_page, reminders_of
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage
from gplan.paging import requested_keyset
from gplan.reminders.views import bp


@bp.route("/outbox")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def outbox():
    status = MailState.get(request.args.get("status"))
    search = (request.args.get("q") or "").strip()[:100]
    listing = outbox_page(status, search, *requested_keyset(request.args))
    return render_template(
        "reminders/outbox.html",
        page=listing.page,
        counts=listing.counts,
        status=status,
        search=search,
        mail_server=current_app.config.get("MAIL_SERVER"),
    )


@bp.route("/outbox/<int:message_id>")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def outbox_message(message_id: int):
    message = db.session.get(MailMessage, message_id) or abort(404)
    return render_template(
        "reminders/message.html",
        message=message,
        visible=content_visible(message),
        reminders=reminders_of(message),
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
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
