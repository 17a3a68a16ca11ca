# Types for the part of Flask-Babel that gplan uses (the package ships no type information).
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from babel.core import Locale
from babel.support import NullTranslations
from flask import Flask

class Babel:
    def __init__(self, app: Flask | None = ..., *args: Any, **kwargs: Any) -> None: ...
    def init_app(
        self,
        app: Flask,
        default_locale: str = ...,
        default_domain: str = ...,
        default_translation_directories: str = ...,
        default_timezone: str = ...,
        locale_selector: Callable[[], str | None] | None = ...,
        timezone_selector: Callable[[], str | None] | None = ...,
    ) -> None: ...

def gettext(string: str, **variables: Any) -> str: ...
def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str: ...

# A lazy string behaves as the str it becomes when shown; typed so, as WTForms labels expect.
def lazy_gettext(string: str, **variables: Any) -> str: ...
def get_locale() -> Locale | None: ...
def get_translations() -> NullTranslations: ...
def force_locale(locale: str | Locale) -> AbstractContextManager[None]: ...
def format_decimal(number: Any, format: str | None = ...) -> str: ...
