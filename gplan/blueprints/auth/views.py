from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from gplan.accounts import users as accounts
from gplan.blueprints.auth import bp
from gplan.blueprints.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from gplan.extensions import db, limiter
from gplan.security import start_session_clock
from gplan.templating import format_instant


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot bounce a user to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("plans.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("plans.home"))
    form = LoginForm()
    if form.validate_on_submit():
        assert form.email.data is not None and form.password.data is not None  # DataRequired
        attempt = accounts.authenticate(form.email.data, form.password.data)
        if attempt.user is not None:
            db.session.commit()
            session.clear()  # a new session on sign-in: nothing from before carries over
            login_user(attempt.user)
            start_session_clock()
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        if attempt.blocked_until:
            flash(_blocked_message(attempt.blocked_until), "error")
        else:
            flash(gettext("Wrong email or password."), "error")
    return render_template("auth/login.html", form=form)


def _blocked_message(until) -> str:
    # The same words whether or not an account uses the address: they reveal nothing.
    return gettext(
        "Too many wrong passwords for this email address from your connection: try again after "
        "%(time)s, or use “Forgot your password?” to set a new one now.",
        time=format_instant(until),
    )


@bp.post("/logout")
@login_required
def logout():
    # A copy of the cookie taken before signing out must not work afterwards: bumping the
    # session version ends every session of this account (on every device) for real.
    accounts.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors = [*form.current.errors, gettext("The current password is wrong.")]
        else:
            accounts.set_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user._get_current_object())  # a cookie for the new session version
            flash(
                gettext("Your password has been changed. Other sessions were signed out."),
                "success",
            )
            return redirect(url_for("plans.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = accounts.user_for_token(token)
    if user is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        db.session.commit()
        session.clear()
        login_user(user)
        start_session_clock()
        flash(gettext("Your password is set. Welcome to gplan."), "success")
        return redirect(url_for("plans.home"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        assert form.email.data is not None  # DataRequired
        accounts.request_password_reset(form.email.data)
        # The same answer either way, so the page does not reveal who has an account.
        flash(
            gettext("If an account uses this address, a link to set a new password is on its way."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.post("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
