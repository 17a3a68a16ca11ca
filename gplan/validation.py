"""One kind of refusal for what people send: the domain functions raise :class:`InputError`;
a web page shows it on its form (``gplan.forms.show_input_error``) and the API answers 422
(``gplan.api.errors.input_error_response``), with the same message either way."""

from __future__ import annotations


class InputError(ValueError):
    """A request a domain function refuses; ``message`` says why, for the user (translated).

    ``field`` names the input it is about, when there is one. Several problems found at once
    are given as ``fields`` (name → message); ``message`` then sums them up.
    """

    def __init__(self, message: str, field: str | None = None, *, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields: dict[str, list[str]] = {field: [message]} if field else {}
        for name, text in (fields or {}).items():
            self.fields.setdefault(name, []).append(text)

    @property
    def field(self) -> str | None:
        """The (first) input the refusal is about, if any."""
        return next(iter(self.fields), None)


class Conflict(Exception):
    """A step refused because the record moved on: changed since the caller read it, or in a
    state that no longer allows the step (deciding twice). Pages and the API answer 409 with
    ``message``, and nothing is changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
