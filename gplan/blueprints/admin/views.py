from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select

from ...extensions import db
from ...models import Body, User
from ...models.user import ADMIN, ROLES
from ...services import accounts
from ...templating import ROLE_LABELS
from ..decorators import roles_required
from . import bp
from .forms import UserForm


def _body_choices() -> list[tuple[int, str]]:
    bodies = db.session.scalars(select(Body).where(Body.is_group.is_(False)).order_by(Body.name))
    return [(0, "—")] + [(b.id, b.name) for b in bodies]


@bp.route("/users")
@roles_required(ADMIN)
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.name))
    return render_template("admin/users.html", users=list(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_user():
    form = UserForm()
    form.role.choices = [(role, ROLE_LABELS[role]) for role in ROLES]
    form.body.choices = _body_choices()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                body=db.session.get(Body, form.body.data) if form.body.data else None,
                locale=form.locale.data,
            )
        except accounts.AccountError as error:
            db.session.rollback()
            form[error.field or "email"].errors.append(str(error))
        else:
            db.session.commit()
            accounts.send_password_link(user, kind="invite")
            flash(gettext("%(name)s was invited by email.", name=user.name), "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form)
