"""Hardening: security headers, session timeouts, the proxy in front, login throttling."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from gplan.extensions import limiter
from gplan.timeutil import utcnow

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


PUBLIC_ASSETS = {"static", "api_pages.asset"}


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and current_user.is_authenticated and request.endpoint not in PUBLIC_ASSETS:
        # Pages and files behind a login (evidence, exports) may hold other bodies' work: no
        # cache may keep them, not even the browser's (send_file would say only no-cache).
        headers["Cache-Control"] = "no-store"
    return response


def start_session_clock() -> None:
    """Call right after login: the idle and absolute timeouts count from here."""
    now = utcnow().timestamp()
    session["login_at"] = session["seen_at"] = now


# The idle clock is moved on at most once a minute: a page then costs no new session cookie
# (signing it, and sending it back) on every request, and an idle timeout in minutes loses
# less than a minute of its length.
SEEN_AT_STEP = 60


def _enforce_session_timeouts():
    if not current_user.is_authenticated:
        return None
    config = current_app.config
    now = utcnow().timestamp()
    login_at = session.get("login_at", 0)
    seen_at = session.get("seen_at", 0)
    expired = (
        now - login_at > config["SESSION_MAX_HOURS"] * 3600
        or now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
    )
    if expired:
        logout_user()
        session.clear()
        flash(gettext("Your session has ended. Please sign in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if now - seen_at >= SEEN_AT_STEP:
        session["seen_at"] = now
    return None


def _refuse_nul_characters():
    """A NUL character is never real input, and PostgreSQL refuses to store or compare it:
    answer 400 up front rather than fail deep inside a query."""
    values = (
        [*request.args.values(), *request.view_args.values()]
        if request.view_args
        else [*request.args.values()]
    )
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in value for value in values if isinstance(value, str)):
        abort(400)


# Integers in the address (ids, years, pages) stay within ±(2**53 - 1): far beyond any real
# one, and small enough that neither a 64-bit column nor page × page size can overflow.
MAX_INT_ARG = 2**53 - 1
_INTEGER = re.compile(r"\s*[+-]?\d[\d_]*\s*")


def _out_of_range(value) -> bool:
    if isinstance(value, int):
        return abs(value) > MAX_INT_ARG
    if isinstance(value, str) and len(value) < 4000 and _INTEGER.fullmatch(value):
        try:
            return abs(int(value)) > MAX_INT_ARG
        except ValueError:
            return False
    return False


def _refuse_out_of_range_numbers():
    """An id or page number beyond what any record could have is bad input: 400, not a
    database overflow deep inside a query (PostgreSQL refuses numbers beyond int8)."""
    values = [*request.args.values(), *(request.view_args or {}).values()]
    if any(_out_of_range(value) for value in values):
        abort(400)


def register(app: Flask) -> None:
    if app.config["PROXY_FIX"]:
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    limiter.init_app(app)
    app.before_request(_refuse_nul_characters)
    app.before_request(_refuse_out_of_range_numbers)
    app.before_request(_enforce_session_timeouts)
    app.after_request(_security_headers)
