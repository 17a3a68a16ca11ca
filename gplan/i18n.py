"""Language choice: Vietnamese first, English on request."""

from typing import Any

from flask import current_app, g, has_app_context, has_request_context, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    return str(chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"])


# ---- the catalogue, looked up once per request -------------------------------------------
#
# Flask-Babel finds the catalogue anew for every string: the request's babel state, the
# locale, the locale's name, the cache. A list of 50 tasks asks for ~2,700 strings, so
# pages keep the catalogue (and the labels of the vocabularies) found the first time, beside
# Flask-Babel's own state for the request. They are keyed by the locale object, so
# ``force_locale`` (mail in the recipient's language) and ``refresh`` are still honoured.


class _Catalogue:
    __slots__ = ("code", "labels", "locale", "translations")

    def __init__(self, locale: Any, translations: Any) -> None:
        self.locale = locale
        self.translations = translations
        self.code = str(locale)
        self.labels: dict[int, Markup] = {}


def _catalogue() -> _Catalogue | None:
    if not has_app_context():
        return None
    found = g._get_current_object().__dict__  # one look-up of the request's globals, not one a name
    memo: _Catalogue | None = found.get("_gplan_catalogue")
    locale = getattr(found.get("_flask_babel"), "babel_locale", None)
    if memo is not None and memo.locale is locale:
        return memo
    if locale is None:  # not chosen yet in this request (or just refreshed): let Flask-Babel choose
        get_locale()
        locale = getattr(found.get("_flask_babel"), "babel_locale", None)
        if locale is None:
            return None
    memo = found["_gplan_catalogue"] = _Catalogue(locale, get_translations())
    return memo


def translations() -> Any:
    """The request's catalogue (Flask-Babel's own lookup outside a request)."""
    memo = _catalogue()
    return memo.translations if memo is not None else get_translations()


def locale_name() -> str | None:
    """The request's locale as a string (``vi``, ``en``); None outside an app context."""
    memo = _catalogue()
    return memo.code if memo is not None else None


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext`` through the request's catalogue, for strings Python code
    translates once per row of a list."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def label(member: Any) -> Markup:
    """A vocabulary member's label in the request's language, translated once per request.

    The label is written as it is, as ``{{ member.title }}`` writes a lazy translation."""
    memo = _catalogue()
    if memo is None:
        return Markup(str(member.title))  # nosec B704 (our own labels, written as before)
    try:
        return memo.labels[id(member)]
    except KeyError:
        text = memo.labels[id(member)] = Markup(str(member.title))  # nosec B704 (as above)
        return text


@pass_eval_context
def _template_gettext(eval_ctx: Any, string: str, /, **variables: Any) -> str:
    text = translations().ugettext(string)
    # Markup only for the catalogue's own text: the variables are escaped by ``%``.
    if eval_ctx.autoescape:
        text = Markup(text)  # nosec B704
    return text % variables  # always a format string, as Jinja's new-style gettext


@pass_eval_context
def _template_ngettext(eval_ctx: Any, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # nosec B704
    return text % variables


@pass_eval_context
def _template_pgettext(eval_ctx: Any, context: str, string: str, /, **variables: Any) -> str:
    variables.setdefault("context", context)
    text = translations().upgettext(context, string)
    if eval_ctx.autoescape:
        text = Markup(text)  # nosec B704
    return text % variables


@pass_eval_context
def _template_npgettext(
    eval_ctx: Any, context: str, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    text = translations().unpgettext(context, singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # nosec B704
    return text % variables


def install_template_gettext(env: Any) -> None:
    """Templates' ``_``/``gettext``/``ngettext`` through the request's catalogue, without
    Flask-Babel's lookup for every string.

    They behave as Jinja's new-style callables (escaped variables, always a format string)
    but take the evaluation context, not the template context: Jinja copies the whole
    template context (``Context.derived``) for every call of a context-taking function made
    where a ``{% set %}`` variable is in scope, which on a list page was a tenth of its time.
    ``_`` is ``gettext`` itself rather than Jinja's alias that looks it up again."""
    callables = {
        "gettext": _template_gettext,
        "ngettext": _template_ngettext,
        "pgettext": _template_pgettext,
        "npgettext": _template_npgettext,
    }
    env.newstyle_gettext = True
    env.globals.update(callables)
    env.globals["_"] = env.globals["gettext"]
