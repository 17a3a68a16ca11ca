"""Read and check a plan definition file, with errors that name the file, the item and the fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from gplan.plans.schedule import parse_mmdd
from gplan.plans.schema import PlanFile


class PlanFileError(Exception):
    """A plan file that cannot be imported; ``problems`` lists every fault found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


def _describe_location(raw: Any, loc: tuple) -> str:
    """Turn ('responsibilities', 3, 'schedule') into 'responsibilities[4] (IV.2.a) › schedule'."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int) and isinstance(node, list):
            node = node[step] if step < len(node) else None
            label = f"[{step + 1}]"
            if isinstance(node, dict):
                name = node.get("ref") or node.get("key") or node.get("number")
                if name is not None:
                    label += f" ({name})"
            parts[-1] = (parts[-1] if parts else "") + label
            continue
        node = node.get(step) if isinstance(node, dict) else None
        parts.append(str(step))
    return " › ".join(parts) or "(top level)"


def parse_plan_text(text: str, source: str) -> PlanFile:
    """Parse YAML text into a checked :class:`PlanFile`; raise :class:`PlanFileError`."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise PlanFileError(source, [f"{where}not valid YAML ({problem})"]) from None
    except RecursionError:
        raise PlanFileError(source, ["not valid YAML (nested too deeply to be a plan file)"]) from None
    if not isinstance(raw, dict):
        raise PlanFileError(source, ["the file must be a YAML mapping with 'plan', 'bodies', …"])
    try:
        plan_file = PlanFile.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"{_describe_location(raw, tuple(item['loc']))}: {item['msg']}" for item in error.errors()
        ]
        raise PlanFileError(source, problems) from None
    problems = check_references(plan_file)
    if problems:
        raise PlanFileError(source, problems)
    return plan_file


def read_plan_file(path: str | Path) -> PlanFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanFileError(str(path), [f"cannot be read ({error})"]) from None
    return parse_plan_text(text, str(path))


def _duplicates(values: list) -> list:
    seen, repeated = set(), []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def check_references(plan_file: PlanFile) -> list[str]:
    """Cross-item checks that a schema cannot express: unknown keys, repeated refs, bad days."""
    problems: list[str] = []
    body_keys = [b.key for b in plan_file.bodies] + [m.key for b in plan_file.bodies for m in b.members]
    known = set(body_keys)
    for key in _duplicates(body_keys):
        problems.append(f"bodies: the key '{key}' is used twice")

    def check_keys(where: str, keys: list[str], allow_all: bool = False) -> None:
        for key in keys:
            if key not in known and not (allow_all and key == "all"):
                problems.append(f"{where}: unknown body '{key}'")

    check_keys("plan › coordinator", [plan_file.plan.coordinator])
    objective_numbers = [o.number for o in plan_file.objectives]
    activity_numbers = [a.number for a in plan_file.activities]
    for number in _duplicates(objective_numbers):
        problems.append(f"objectives: the number {number} is used twice")
    for number in _duplicates(activity_numbers):
        problems.append(f"activities: the number {number} is used twice")
    for objective in plan_file.objectives:
        for number in _duplicates([t.number for t in objective.targets]):
            problems.append(f"objectives ({objective.ref}): target number {number} is used twice")
        for target in objective.targets:
            if target.owner:
                check_keys(
                    f"objectives ({objective.ref}) › targets ({target.ref}) › owner",
                    [target.owner],
                )
            for key in _duplicates([v.key for v in target.values]):
                problems.append(f"targets ({target.ref}): the value key '{key}' is used twice")
    for activity in plan_file.activities:
        check_keys(f"activities ({activity.ref}) › lead", activity.lead)
        check_keys(f"activities ({activity.ref}) › coordinating", activity.coordinating)
    for group in plan_file.solutions:
        if group.objective is not None and group.objective not in objective_numbers:
            problems.append(f"solutions ({group.ref}): no objective number {group.objective}")
    for ref in _duplicates([r.ref for r in plan_file.responsibilities]):
        problems.append(f"responsibilities: the ref '{ref}' is used twice")

    period_years = plan_file.plan.period.end - plan_file.plan.period.start + 1
    for item in plan_file.responsibilities:
        where = f"responsibilities ({item.ref})"
        check_keys(f"{where} › assignees", item.assignees, allow_all=True)
        check_keys(f"{where} › lead", item.lead)
        check_keys(f"{where} › coordinating", item.coordinating)
        for number in item.objectives:
            if number not in objective_numbers:
                problems.append(f"{where} › objectives: no objective number {number}")
        for number in item.activities:
            if number not in activity_numbers:
                problems.append(f"{where} › activities: no activity number {number}")
        for name in item.schedule.day_names():
            if name in plan_file.due_days:
                continue
            try:
                parse_mmdd(name)
            except ValueError:
                problems.append(
                    f"{where} › schedule: '{name}' is neither a due day named in 'due_days' nor MM-DD"
                )
        year = item.schedule.year
        if isinstance(year, int) and not 1 <= year <= period_years:
            problems.append(f"{where} › schedule: year {year} is outside a {period_years}-year period")
    return problems
