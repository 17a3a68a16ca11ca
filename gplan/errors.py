"""Errors as clear pages in the user's language, never a bare traceback."""

from flask import Flask, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, StatementError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from gplan.accounts.access import AccessDenied
from gplan.api.errors import error_response, input_error_response, is_api_request, json_error
from gplan.extensions import db
from gplan.validation import Conflict, InputError


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood. Please check what you entered and try again."),
        403: gettext("You do not have permission to see or change this."),
        404: gettext("This page does not exist, or it is not available to you."),
        405: gettext("This action is not allowed here."),
        409: gettext("Someone else changed this at the same moment. Please reload and try again."),
        413: gettext("The upload is too large."),
        429: gettext("Too many attempts. Please wait a moment and try again."),
        500: gettext("Something went wrong on our side. Your change was not saved; please try again."),
    }


def render_error(code: int, message: str | None = None):
    text = message or _messages().get(code, gettext("An error occurred."))
    return render_template("errors/error.html", code=code, message=text), code


def _bad_value(error: StatementError) -> bool:
    """Whether the database (or the driver, binding it) refused a value as out of range."""
    return isinstance(error, DataError) or isinstance(error.orig, OverflowError)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if is_api_request():  # e.g. an unknown path or method under /api: JSON, not a page
            return json_error(error)
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return render_error(
            400,
            gettext("The form had expired. Please go back, reload the page and submit it again."),
        )

    @app.errorhandler(AccessDenied)
    def _access_denied(error: AccessDenied):
        db.session.rollback()
        return render_error(403)

    @app.errorhandler(InputError)
    def _input_error(error: InputError):
        """A refusal no form was there to show (views normally put it on theirs)."""
        if is_api_request():
            return input_error_response(error)
        db.session.rollback()
        return render_error(422, error.message)

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError):
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(Conflict)
    def _conflict(error: Conflict):
        db.session.rollback()
        if is_api_request():
            return error_response(409, error.message)
        return render_error(409, error.message)

    @app.errorhandler(OverflowError)  # a date such as 31/12/9999 moved past the calendar's end
    @app.errorhandler(RecursionError)  # JSON or YAML nested thousands deep
    @app.errorhandler(StatementError)  # a value the database's column cannot hold
    def _out_of_range(error: Exception):
        if isinstance(error, StatementError) and not _bad_value(error):
            raise error  # a fault of ours: the 500 page below
        db.session.rollback()
        app.logger.info("Refused out-of-range input on %s %s: %r", request.method, request.path, error)
        if is_api_request():
            return json_error(BadRequest())
        return render_error(400)

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        app.logger.error("Unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return json_error(InternalServerError())
        return render_error(500)
