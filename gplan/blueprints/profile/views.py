"""The user's own profile: account facts and personal API tokens."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from gplan.accounts import tokens as api_tokens
from gplan.accounts.access import require
from gplan.blueprints.profile import bp
from gplan.blueprints.profile.forms import RevokeForm, TokenForm
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import ApiToken
from gplan.validation import InputError


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    tokens = api_tokens.active_tokens(current_user)
    return render_template(
        "profile/index.html", form=form, revoke_form=RevokeForm(), tokens=tokens, secret=secret
    ), status


@bp.get("/")
@login_required
def index():
    return _page(TokenForm())


@bp.post("/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 400)
    assert form.name.data is not None  # DataRequired
    try:
        _token, secret = api_tokens.create_token(current_user, form.name.data)
    except InputError as error:
        show_input_error(form, error)
        return _page(form, status=422)
    db.session.commit()
    # Shown in this answer only: never stored, flashed (the session cookie is signed, not secret)
    # or shown again.
    return _page(TokenForm(formdata=None), secret=secret)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id) or abort(404)
    require(token.user_id == current_user.id)
    if RevokeForm().validate_on_submit():
        api_tokens.revoke_token(current_user, token)
        db.session.commit()
        flash(gettext("The token “%(name)s” was revoked.", name=token.name), "success")
    return redirect(url_for(".index"))
