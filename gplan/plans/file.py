"""Read and check a plan definition file, with errors that name the file, the item and the fault.

The faults are written in the current language (the reader's in a request, English on the
command line); where in the file is given in the file's own terms (its keys and refs).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext
from pydantic import ValidationError

from gplan.plans.chain import check_chain
from gplan.plans.file_messages import Problem, pydantic_message
from gplan.plans.schedule import parse_mmdd
from gplan.plans.schema import PlanFile


class PlanFileError(Exception):
    """A plan file that cannot be imported; ``problems`` lists every fault found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


def _describe_location(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn ('responsibilities', 3, 'schedule') into 'responsibilities[4] (IV.2.a) › schedule'.

    Steps that are not in the file (pydantic's names for the branches of a union, "[key]")
    are left out.
    """
    parts: list[str] = []
    node = raw
    for step in loc:
        if step == "[key]" or (not isinstance(node, dict | list) and parts):
            continue
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
    return " › ".join(parts)


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return Problem("", gettext("not valid YAML"))
    where = gettext("line %(line)d, column %(column)d", line=mark.line + 1, column=mark.column + 1)
    started = getattr(error, "context_mark", None)
    if started is not None and started.line != mark.line:
        return Problem(
            where,
            gettext(
                "not valid YAML (something opened at line %(line)d is not closed)", line=started.line + 1
            ),
        )
    return Problem(where, gettext("not valid YAML"))


def unreadable(source: str, error: Exception) -> PlanFileError:
    """The error for a file that cannot be read: missing, or not UTF-8 text."""
    if isinstance(error, UnicodeDecodeError):
        problem = gettext("cannot be read: it is not UTF-8 text (byte %(n)d)", n=error.start + 1)
    else:
        problem = gettext("cannot be read (%(reason)s)", reason=getattr(error, "strerror", None) or error)
    return PlanFileError(source, [Problem("", problem)])


def parse_plan_text(text: str, source: str) -> PlanFile:
    """Parse YAML text into a checked :class:`PlanFile`; raise :class:`PlanFileError`."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PlanFileError(source, [_yaml_problem(error)]) from None
    except RecursionError:
        raise PlanFileError(
            source, [Problem("", gettext("not valid YAML (nested too deeply to be a plan file)"))]
        ) from None
    if not isinstance(raw, dict):
        message = gettext("the file must be a YAML mapping with 'plan', 'bodies', …")
        raise PlanFileError(source, [Problem("", message)])
    return validate_plan(raw, source, lambda loc: _describe_location(raw, loc) or gettext("(the whole file)"))


def validate_plan(raw: dict[str, Any], source: str, locate: Callable[[tuple[Any, ...]], str]) -> PlanFile:
    """Check a plan read from a file or a workbook (``raw``, the plan file's shape); ``locate``
    says where an error's location is in what the user wrote. Raises :class:`PlanFileError`."""
    try:
        plan_file = PlanFile.model_validate(raw)
    except ValidationError as error:
        problems = [
            Problem(locate(tuple(item["loc"])), pydantic_message(item["type"], item.get("ctx") or {}))
            for item in error.errors()
        ]
        raise PlanFileError(source, problems) from None
    problems = check_references(plan_file)
    if problems:
        raise PlanFileError(source, problems)
    return plan_file


def read_plan_file(path: str | Path) -> PlanFile:
    """Read a plan file (YAML) or a plan workbook (.xlsx)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from gplan.plans.workbook_reader import read_workbook  # it builds on this module

        try:
            data = path.read_bytes()
        except OSError as error:
            raise unreadable(str(path), error) from None
        return read_workbook(data, str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise unreadable(str(path), error) from None
    return parse_plan_text(text, str(path))


def _duplicates(values: list[Any]) -> list[Any]:
    seen, repeated = set(), []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def check_references(plan_file: PlanFile) -> list[Problem]:
    """Cross-item checks that a schema cannot express: unknown keys, repeated refs, bad days."""
    problems: list[Problem] = []

    def twice(where: str, message: str) -> None:
        problems.append(Problem(where, message))

    body_keys = [b.key for b in plan_file.bodies] + [m.key for b in plan_file.bodies for m in b.members]
    known = set(body_keys)
    for key in _duplicates(body_keys):
        twice("bodies", gettext("the key '%(key)s' is used twice", key=key))

    def check_keys(where: str, keys: list[str], allow_all: bool = False) -> None:
        for key in keys:
            if key not in known and not (allow_all and key == "all"):
                problems.append(Problem(where, gettext("unknown body '%(key)s'", key=key)))

    def check_numbers(where: str, numbers: list[int], known_numbers: list[int], objective: bool) -> None:
        for number in numbers:
            if number not in known_numbers:
                message = (
                    gettext("no objective number %(n)d", n=number)
                    if objective
                    else gettext("no activity number %(n)d", n=number)
                )
                problems.append(Problem(where, message))

    placeholders = {b.key for b in plan_file.bodies if b.placeholder}

    def check_real(where: str, keys: list[str]) -> None:
        """A placeholder stands for no body in particular: it may coordinate, never hold work."""
        for key in keys:
            if key in placeholders:
                message = gettext("'%(key)s' is a placeholder: it can only be coordinating", key=key)
                problems.append(Problem(where, message))

    check_keys("plan › coordinator", [plan_file.plan.coordinator])
    check_real("plan › coordinator", [plan_file.plan.coordinator])
    objective_numbers = [o.number for o in plan_file.objectives]
    activity_numbers = [a.number for a in plan_file.activities]
    for number in _duplicates(objective_numbers):
        twice("objectives", gettext("the number %(n)d is used twice", n=number))
    for number in _duplicates(activity_numbers):
        twice("activities", gettext("the number %(n)d is used twice", n=number))
    for objective in plan_file.objectives:
        for number in _duplicates([t.number for t in objective.targets]):
            twice(f"objectives ({objective.ref})", gettext("target number %(n)d is used twice", n=number))
        for target in objective.targets:
            if target.owner:
                check_keys(f"objectives ({objective.ref}) › targets ({target.ref}) › owner", [target.owner])
            for key in _duplicates([v.key for v in target.values]):
                twice(f"targets ({target.ref})", gettext("the value key '%(key)s' is used twice", key=key))
    for activity in plan_file.activities:
        check_keys(f"activities ({activity.ref}) › lead", activity.lead)
        check_keys(f"activities ({activity.ref}) › coordinating", activity.coordinating)
    for group in plan_file.solutions:
        if group.objective is not None:
            check_numbers(f"solutions ({group.ref})", [group.objective], objective_numbers, objective=True)
    for ref in _duplicates([r.ref for r in plan_file.responsibilities]):
        twice("responsibilities", gettext("the ref '%(ref)s' is used twice", ref=ref))

    period_years = plan_file.plan.period.end - plan_file.plan.period.start + 1
    for item in plan_file.responsibilities:
        where = f"responsibilities ({item.ref})"
        check_keys(f"{where} › assignees", item.assignees, allow_all=True)
        check_keys(f"{where} › lead", item.lead)
        check_real(f"{where} › assignees", item.assignees)
        check_real(f"{where} › lead", item.lead)
        check_keys(f"{where} › coordinating", item.coordinating)
        check_numbers(f"{where} › objectives", item.objectives, objective_numbers, objective=True)
        check_numbers(f"{where} › activities", item.activities, activity_numbers, objective=False)
        for name in item.schedule.day_names():
            if name in plan_file.due_days:
                continue
            try:
                parse_mmdd(name)
            except ValueError:
                message = gettext("'%(name)s' is neither a due day named in 'due_days' nor MM-DD", name=name)
                problems.append(Problem(f"{where} › schedule", message))
        year = item.schedule.year
        if isinstance(year, int) and not 1 <= year <= period_years:
            message = gettext("year %(year)d is outside a %(n)d-year period", year=year, n=period_years)
            problems.append(Problem(f"{where} › schedule", message))
    if not problems:  # the chain is dated from the schedules, so only once they are sound
        problems += check_chain(plan_file)
    return problems
