"""What the API accepts: query strings and bodies, checked strictly (unknown fields are refused)."""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import fields, validate

from gplan.paging import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from gplan.reporting import figures
from gplan.tasks.evidence import LINK_MESSAGE, check_evidence_link
from gplan.tasks.progress import RECORDED
from gplan.tasks.vocabulary import TaskStatus

# PostgreSQL refuses NUL in text; no other control character belongs in these fields either.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ID_RANGE = validate.Range(min=1, max=2**31 - 1)
YEAR_RANGE = validate.Range(min=1900, max=2200)
# Documented bounds of a figure; gplan.reporting.figures checks them.
FIGURE_LIMIT = float(figures.LIMIT - figures.PLACES)


class Text(fields.String):
    """A string without control characters (line breaks and tabs are fine)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if CONTROL.search(text):
            raise ma.ValidationError("Control characters are not allowed.")
        return text


class WebLink(Text):
    """An evidence link: the task page's rule (http or https only), from the same service."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            link = check_evidence_link(text)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from None
        if link is None:
            raise ma.ValidationError(str(LINK_MESSAGE))
        return link


class Figure(fields.Decimal):
    """A measured figure, documented as a number and passed on as sent: the domain reads and
    checks it (:func:`gplan.reporting.figures.parse_figure`) exactly as it does a typed one."""

    def __init__(self, **kwargs):
        metadata = {"minimum": -FIGURE_LIMIT, "maximum": FIGURE_LIMIT}
        super().__init__(allow_none=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return value


class StrictInteger(fields.Integer):
    """A JSON integer: no strings, no fractions, no booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class TaskQuerySchema(Strict):
    plan = fields.Integer(validate=ID_RANGE, metadata={"description": "Plan id."})
    body = fields.Integer(validate=ID_RANGE, metadata={"description": "Body id."})
    year = fields.Integer(validate=YEAR_RANGE)
    status = fields.List(
        fields.String(validate=validate.OneOf(TaskStatus.values())),
        metadata={"description": "Reporting status today; repeat for several."},
    )
    due_before = fields.Date(metadata={"description": "Deadline on or before this date."})
    due_after = fields.Date(metadata={"description": "Deadline on or after this date."})
    q = fields.String(
        validate=validate.Length(max=1000),
        metadata={
            "description": "Words to find in the duty (its reference, text, English title), the body's "
            "names or the task's note, with or without Vietnamese marks: `bao cao` finds `báo cáo`. "
            "Every word must be found; a word may be cut short. At most 200 characters and 10 words."
        },
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ProgressChangeSchema(Strict):
    progress = fields.String(
        required=True,
        validate=validate.OneOf([p.value for p in RECORDED]),
        metadata={"description": "Done only with review off; with review on, submit for review."},
    )
    note = Text(validate=validate.Length(max=4000), allow_none=True)
    evidence_url = WebLink(
        validate=validate.Length(max=1000),
        allow_none=True,
        metadata={"format": "uri", "description": "An http:// or https:// address."},
    )
    version = StrictInteger(
        validate=ID_RANGE, metadata={"description": "The version you read; a different one gives 409."}
    )


class ActualInputSchema(Strict):
    version = StrictInteger(
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={
            "description": "The figure's version you read (0: there was none); a different one gives 409."
        },
    )
    value = Figure()
    value_women = Figure()
    value_men = Figure()
    source = Text(allow_none=True, validate=validate.Length(max=500))
    note = Text(allow_none=True, validate=validate.Length(max=4000))


class ProgressQuerySchema(Strict):
    year = fields.Integer(validate=YEAR_RANGE, metadata={"description": "Only tasks of this year."})


def _version_read() -> StrictInteger:
    return StrictInteger(
        load_default=None,
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={
            "description": "The report's version you read (0: never saved); a different one gives 409."
        },
    )


class BodyReportInputSchema(Strict):
    narratives = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        values=Text(allow_none=True),
        load_default=dict,
        metadata={"description": "The narrative per objective, by the objective's ref; those left out stay."},
    )
    version = _version_read()


class DecisionInputSchema(Strict):
    version = _version_read()


class ReasonedDecisionInputSchema(Strict):
    reason = Text(required=True, metadata={"description": "Why: required, the body reads it."})
    version = _version_read()


VERSION = {"description": "The task's version you read; a different one gives 409."}


class SubmittedFigureSchema(Strict):
    target_value = StrictInteger(
        required=True, validate=ID_RANGE, metadata={"description": "Target value id."}
    )
    value = Figure(required=True)


class SubmissionInputSchema(Strict):
    narrative = Text(
        required=True, validate=validate.Length(min=1, max=8000), metadata={"description": "What was done."}
    )
    evidence_url = WebLink(
        validate=validate.Length(max=1000),
        allow_none=True,
        metadata={"format": "uri", "description": "An http:// or https:// address."},
    )
    figures = fields.List(
        fields.Nested(SubmittedFigureSchema),
        validate=validate.Length(max=100),
        metadata={"description": "The year's figures of the targets the task's body reports."},
    )


class ReviewDecisionInputSchema(Strict):
    version = StrictInteger(validate=ID_RANGE, metadata=VERSION)


class ReviewReasonInputSchema(ReviewDecisionInputSchema):
    reason = Text(required=True, validate=validate.Length(max=4000), metadata={"description": "Required."})


class ExtensionAskSchema(Strict):
    asked_for = fields.Date(
        required=True, metadata={"description": "The deadline asked for, after the current one."}
    )
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))


class ExtensionDecisionSchema(Strict):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "refuse"]))
    granted_on = fields.Date(
        allow_none=True,
        metadata={"description": "The deadline granted when approving; by default the date asked."},
    )
    decision_note = Text(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "The reason; required to refuse."},
    )
    version = StrictInteger(
        validate=ID_RANGE,
        metadata={"description": "The request's version you read; a different one gives 409."},
    )


class CommentInputSchema(Strict):
    text = Text(required=True, validate=validate.Length(min=1, max=4000))


class PageQuerySchema(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE))
