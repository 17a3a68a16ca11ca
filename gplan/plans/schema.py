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


class DueDay(Strict):
    default: str
    label: Text
    label_en: str | None = None

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


class BodyDef(Strict):
    key: Key
    ref: str | None = None
    name: Text
    name_en: str | None = None
    short_name: str | None = None
    group: bool = False
    members: list[BodyMember] = []

    @model_validator(mode="after")
    def _members_only_in_groups(self) -> Self:
        if self.members and not self.group:
            raise PydanticCustomError(
                "members_without_group", "members are given but 'group: true' is missing"
            )
        return self


class Horizon(Strict):
    kind: HorizonKind
    label: str | None = None


class ValueDef(Strict):
    key: Key
    label: Text
    label_en: str | None = None
    comparator: Comparator
    value: Decimal
    unit: Text
    horizon: Horizon
    baseline: Decimal | None = None
    baseline_year: int | None = None


class TargetDef(Strict):
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


class ResponsibilityDef(Strict):
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
