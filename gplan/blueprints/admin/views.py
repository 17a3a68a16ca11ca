"""Administration: the start page and users."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from gplan.accounts import admin as user_admin
from gplan.accounts import users as accounts
from gplan.accounts.listing import UserFilter, users_page
from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.forms import ActionForm, UserEditForm, UserFilterForm, UserForm
from gplan.blueprints.decorators import roles_required
from gplan.collation import by_name
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS, MailKind
from gplan.models import Body, User
from gplan.paging import requested_page
from gplan.plans import queries as plan_queries
from gplan.templating import format_date
from gplan.validation import InputError


def _body_choices() -> list[tuple[int, str]]:
    bodies = by_name(db.session.scalars(select(Body).where(Body.is_group.is_(False))), lambda b: b.name)
    return [(0, "—")] + [(b.id, b.name) for b in bodies]


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def index():
    return render_template("admin/index.html", all_plans=plan_queries.all_plans())


def _with_choices(form):
    """A user form with the roles and the bodies a focal point may belong to."""
    form.role.choices = Role.choices()
    form.body.choices = _body_choices()
    return form


def _chosen_body(form) -> Body | None:
    return db.session.get(Body, form.body.data) if form.body.data else None


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    form = UserFilterForm(request.args)
    form.role.choices = [("", gettext("Every role")), *((role.value, str(role.title)) for role in Role)]
    form.body.choices = [(0, gettext("Every body")), *_body_choices()[1:]]
    filters = UserFilter()
    if form.validate():
        filters = UserFilter(role=form.role.data or None, body_id=form.body.data or None, who=form.who.data)
    args = {name: request.args[name] for name in form.data if request.args.get(name)}
    page = users_page(filters, *requested_page(request.args))
    return render_template("admin/users.html", form=form, page=page, args=args)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = _with_choices(UserForm())
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                body=_chosen_body(form),
                locale=form.locale.data,
                actor=current_user,
            )
        except InputError as error:
            show_input_error(form, error)
        else:
            queued = accounts.send_password_link(user, kind=MailKind.INVITE)
            db.session.commit()
            return _link_answer(user, queued, MailKind.INVITE, url_for(".users"))
    return render_template("admin/user_form.html", form=form)


def _link_answer(user: User, queued: accounts.QueuedLink, kind: str, next_url: str):
    """Say what became of the mail, never "sent" before the server accepted it: queued, or —
    with no mail server — held, with the link shown to the admin this once."""
    if queued.held:
        hours = current_app.config["INVITE_MAX_AGE_HOURS"]
        return render_template("admin/link_once.html", user=user, link=queued.link, kind=kind, hours=hours)
    if kind == MailKind.INVITE:
        message = gettext(
            "The invitation to %(email)s is queued: it goes out within a minute or two.", email=user.email
        )
    else:
        message = gettext(
            "A password reset link for %(email)s is queued: it goes out within a minute or two.",
            email=user.email,
        )
    flash(
        message + " " + gettext("The user's page and the outbox show whether the mail server accepted it."),
        "success",
    )
    return redirect(next_url)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = _with_choices(UserEditForm(obj=user, body=user.body_id or 0))
    if form.validate_on_submit():
        try:
            user_admin.update_user(
                current_user,
                user,
                name=form.name.data,
                role=form.role.data,
                body=_chosen_body(form),
                locale=form.locale.data,
            )
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Saved."), "success")
            return redirect(url_for(".users"))
    return render_template(
        "admin/user_edit.html",
        form=form,
        user=user,
        action_form=ActionForm(),
        link_mail=accounts.last_link_mail(user),
    )


@bp.post("/users/<int:user_id>/<any(disable, enable):action>")
@roles_required(Role.ADMIN)
def set_enabled(user_id: int, action: str):
    user = _user_or_404(user_id)
    if ActionForm().validate_on_submit():
        try:
            user_admin.set_enabled(current_user, user, enabled=action == "enable")
        except InputError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if action == "enable":
                flash(gettext("%(name)s can sign in again.", name=user.name), "success")
            else:
                message = gettext(
                    "%(name)s is disabled: signed out everywhere, tokens revoked.", name=user.name
                )
                flash(message, "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post(f"/users/<int:user_id>/<any({', '.join(ACCOUNT_MAIL_KINDS)}):kind>")
@roles_required(Role.ADMIN)
def send_link(user_id: int, kind: str):
    user = _user_or_404(user_id)
    if ActionForm().validate_on_submit():
        try:
            queued = user_admin.send_link(current_user, user, kind)
        except InputError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            return _link_answer(user, queued, kind, url_for(".edit_user", user_id=user.id))
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.app_template_filter("iso_ddmmyyyy")
def iso_ddmmyyyy(text: str | None) -> str:
    """An ISO date kept in a history entry's details, shown as dd/mm/yyyy."""
    try:
        return format_date(date.fromisoformat(text or ""))
    except ValueError:
        return text or ""
