"""The shape of a plan definition file (see docs/plan-format.md), checked with pydantic."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from gplan.plans.schedule import parse_mmdd
from gplan.reporting.vocabulary import Comparator
from gplan.reporting.vocabulary import Horizon as HorizonKind

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Period(Strict):
    start: int = Field(ge=1900, le=2200)
    end: int = Field(ge=1900, le=2200)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise PydanticCustomError("period_order", "period end is before its start")
        return self


class Provenance(Strict):
    """Where an item's date, owner, member list, value or split comes from: the source text, or
    an inference made when the file was written (``basis: inferred``), which must say why."""

    basis: Literal["source", "inferred"] = "source"
    note: str | None = None

    @model_validator(mode="after")
    def _inference_explained(self) -> Self:
        if self.basis == "inferred" and not (self.note or "").strip():
            raise PydanticCustomError("inference_without_note", "'basis: inferred' needs a 'note'")
        return self


class RefText(Strict):
    ref: str
    text: Text


class PlanHeader(Strict):
    code: Text
    jurisdiction: Key | None = None
    title: Text
    title_en: str | None = None
    issuer: Text
    issued_on: date | None = None
    period: Period
    coordinator: Key
    general_objective: RefText


class DueDay(Provenance):
    default: str
    label: Text
    label_en: str | None = None
    # What a report due on this day covers, to put the reporting chain in order (docs/plan-format.md).
    covers: Literal["half_year", "year", "action_month", "period"] | None = None
    as_of: str | None = (
        None  # "MM-DD": the day a report's figures run to, when it is due before that period ends
    )

    @field_validator("as_of")
    @classmethod
    def _as_of_mmdd(cls, value: str | None) -> str | None:
        if value is not None:
            cls._mmdd(value)
        return value

    @field_validator("default")
    @classmethod
    def _mmdd(cls, value: str) -> str:
        try:
            parse_mmdd(value)
        except ValueError:
            raise PydanticCustomError(
                "not_a_day", "'{value}' is not a day written as MM-DD", {"value": value}
            ) from None
        return value


class BodyMember(Strict):
    key: Key
    name: Text
    name_en: str | None = None
    short_name: str | None = None


class BodyDef(Provenance):
    key: Key
    ref: str | None = None
    name: Text
    name_en: str | None = None
    short_name: str | None = None
    group: bool = False
    members: list[BodyMember] = []
    # Units the file proposes for a group whose members the source does not name; an admin
    # chooses which become members (until then the group's duties have no owner).
    suggested_members: list[BodyMember] = []
    # A name the source uses for no body in particular ("các sở, ban, ngành, đơn vị liên
    # quan"): named as coordinating only, never given tasks, never a retired body's successor.
    placeholder: bool = False

    @model_validator(mode="after")
    def _members_only_in_groups(self) -> Self:
        if (self.members or self.suggested_members) and not self.group:
            raise PydanticCustomError(
                "members_without_group", "members are given but 'group: true' is missing"
            )
        if self.placeholder and (self.group or self.ref):
            raise PydanticCustomError(
                "placeholder_assigned", "a placeholder is named only as coordinating: no 'group', no 'ref'"
            )
        return self


class Horizon(Provenance):
    kind: HorizonKind
    label: str | None = None


class ValueDef(Provenance):
    key: Key
    label: Text
    label_en: str | None = None
    comparator: Comparator
    value: Decimal
    unit: Text
    horizon: Horizon
    baseline: Decimal | None = None
    baseline_year: int | None = None


class TargetDef(Provenance):  # basis/note: of the owner (text and values are the source's)
    number: int = Field(ge=1)
    ref: Text
    text: Text
    text_en: str | None = None
    owner: Key | None = None
    values: list[ValueDef] = Field(min_length=1)


class ObjectiveDef(Strict):
    number: int = Field(ge=1)
    ref: Text
    title: Text
    title_en: str | None = None
    targets: list[TargetDef] = Field(min_length=1)


class ActivityDef(Strict):
    number: int = Field(ge=1)
    ref: Text
    title: Text
    title_en: str | None = None
    goal: str | None = None
    contents: list[str] = []
    lead: list[Key] = Field(min_length=1)
    coordinating: list[Key] = []


class SolutionGroupDef(Strict):
    key: Annotated[str, Field(pattern=r"^(general|[a-zđ])$")]
    ref: Text
    title: Text
    objective: int | None = None
    items: list[Text] = Field(min_length=1)


DUE = Annotated[str, Field(min_length=1)]


class Schedule(Strict):
    kind: Literal["yearly", "window", "once", "periodic"]
    due: DUE | None = None
    year_offset: int = 0
    start: DUE | None = None
    end: DUE | None = None
    report_due: DUE | None = None
    year: int | Literal["last"] | None = None
    dues: list[DUE] = []

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Self:
        needed = {
            "yearly": ("due",),
            "window": ("start", "end"),
            "once": ("due", "year"),
            "periodic": ("dues",),
        }[self.kind]
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            raise PydanticCustomError(
                "schedule_needs",
                "a '{kind}' schedule needs {fields}",
                {"kind": self.kind, "fields": ", ".join(missing)},
            )
        return self

    def day_names(self) -> list[str]:
        names = [self.due, self.start, self.end, self.report_due, *self.dues]
        return [name for name in names if name]

    def as_rule(self) -> dict[str, Any]:
        return self.model_dump(exclude_defaults=True) | {"kind": self.kind}


ISSUER = "issuer"  # reports_to: the plan's issuer (the Provincial People's Committee)


class ResponsibilityDef(Provenance):
    ref: Text
    paragraph: Text
    text: Text
    title_en: str | None = None
    assignees: list[Key] = Field(min_length=1)
    lead: list[Key] = []
    coordinating: list[Key] = []
    objectives: list[int] = []
    activities: list[int] = []
    schedule: Schedule
    # A report duty names whom it reports to: a body's key, or "issuer".
    reports_to: str | None = None
    # "Đề nghị …": asked of organisations outside the issuer's authority; tracked, never escalated.
    requested: bool = False


class PlanFile(Strict):
    format: Literal[1]
    plan: PlanHeader
    due_days: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], DueDay] = {}
    bodies: list[BodyDef] = Field(min_length=1)
    objectives: list[ObjectiveDef] = []
    activities: list[ActivityDef] = []
    funding: RefText | None = None
    solutions: list[SolutionGroupDef] = []
    implementation_intro: RefText | None = None
    responsibilities: list[ResponsibilityDef] = Field(min_length=1)


def slug(text: str) -> str:
    """A jurisdiction key from the issuer's name when the file gives none."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80]
