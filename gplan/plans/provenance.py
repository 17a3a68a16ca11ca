"""What a plan file inferred rather than read in its source (``basis: inferred`` with a note).

Each inference is kept with the imported plan under a key naming the kind of item and the item,
so a page can mark it ("suy luận") and show the note. The kinds:

- ``due_day:<name>``: a due day's date;
- ``members:<body key>``: a group's member list (or the members it suggests);
- ``owner:<target ref>``: the body that reports a target's figure;
- ``horizon:<target ref>:<value key>``: the year a target value is measured by;
- ``value:<target ref>:<value key>``: a target value the source gives no figure for;
- ``duty:<ref>``: a responsibility's split, assignees or schedule.
"""

from __future__ import annotations

from gplan.plans.schema import PlanFile, Provenance


def _note(item: Provenance) -> str | None:
    return (item.note or "").strip() or None if item.basis == "inferred" else None


def inferences(plan_file: PlanFile) -> dict[str, str]:
    """Every inference of ``plan_file``, keyed as described above, in the file's order."""
    found: dict[str, str | None] = {}
    for name, day in plan_file.due_days.items():
        found[f"due_day:{name}"] = _note(day)
    for body in plan_file.bodies:
        found[f"members:{body.key}"] = _note(body)
    for objective in plan_file.objectives:
        for target in objective.targets:
            found[f"owner:{target.ref}"] = _note(target)
            for value in target.values:
                found[f"horizon:{target.ref}:{value.key}"] = _note(value.horizon)
                found[f"value:{target.ref}:{value.key}"] = _note(value)
    for duty in plan_file.responsibilities:
        found[f"duty:{duty.ref}"] = _note(duty)
    return {key: note for key, note in found.items() if note}
