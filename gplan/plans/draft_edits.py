"""Editing a plan draft's duties and bodies: who leads, who coordinates, who gets the tasks,
when they are due; bodies added (communes, a merged province) or left out (abolished units)."""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import gettext

from gplan.models import PlanDraft, User
from gplan.plans.bodies import KEY_RE
from gplan.plans.drafts import check_edit, require_admin, require_open, save_edit
from gplan.validation import InputError

ROLES = ("assignees", "lead", "coordinating")
SCHEDULE_FIELDS = ("kind", "due", "year_offset", "start", "end", "report_due", "year", "dues")


def body_keys(content: dict[str, Any]) -> list[str]:
    """Every body key of the draft, groups and their members, in the file's order."""
    keys = []
    for body in content.get("bodies", []):
        keys.append(body["key"])
        keys += [member["key"] for member in body.get("members", [])]
    return keys


def duty(content: dict[str, Any], ref: str) -> dict[str, Any]:
    for item in content.get("responsibilities", []):
        if item["ref"] == ref:
            found: dict[str, Any] = item
            return found
    raise InputError(gettext("There is no such duty in the draft."))


def _keys(text: str | list[str]) -> list[str]:
    parts = text if isinstance(text, list) else text.replace(";", ",").split(",")
    return list(dict.fromkeys(part.strip().lower() for part in parts if part.strip()))


def _schedule(values: dict[str, Any]) -> dict[str, Any]:
    """The schedule from the form's fields: empty ones left out, numbers and lists read."""
    schedule: dict[str, Any] = {}
    for name in SCHEDULE_FIELDS:
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else value
        if value in (None, "", []):
            continue
        if name == "dues":
            value = _keys(value) if isinstance(value, str) else value
        elif name == "year_offset":
            try:
                value = int(value)
            except ValueError:
                raise InputError(gettext("Write the year offset as a whole number, e.g. -1."), name) from None
        elif name == "year" and value != "last":
            try:
                value = int(value)
            except ValueError:
                raise InputError(
                    gettext("Write the year as a number of the period (1, 2, …) or 'last'."), name
                ) from None
        schedule[name] = value
    return schedule


def edit_duty(
    actor: User,
    draft: PlanDraft,
    ref: str,
    *,
    text: str,
    assignees: str | list[str],
    lead: str | list[str],
    coordinating: str | list[str],
    schedule: dict[str, Any],
) -> None:
    """Change a duty's wording, its bodies (keys; "all" = every implementing body) and its
    schedule (docs/plan-format.md). A body or due day that does not exist is refused, naming
    it. The caller commits."""
    require_admin(actor)
    require_open(draft)
    content = copy.deepcopy(draft.content)
    item = duty(content, ref)
    text = (text or "").strip()
    if not text:
        raise InputError(gettext("Write the text; it cannot be empty."), "text")
    new = {
        "text": text,
        "assignees": _keys(assignees),
        "lead": _keys(lead),
        "coordinating": _keys(coordinating),
        "schedule": _schedule(schedule),
    }
    if not new["assignees"]:
        raise InputError(gettext("Name at least one body that gets the tasks."), "assignees")
    known = set(body_keys(content)) | {"all"}
    for role in ROLES:
        unknown = [key for key in new[role] if key not in known]
        if unknown:
            raise InputError(gettext("Unknown body: %(keys)s.", keys=", ".join(unknown)), role)
    changes = {name: [item.get(name), value] for name, value in new.items() if item.get(name, []) != value}
    if not changes:
        return
    item.update(new)
    check_edit(draft, content, "schedule")
    save_edit(actor, draft, content, f"{ref}: " + ", ".join(changes), {"duty": ref, "changes": changes})


def without_bodies(content: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """``content`` with the bodies ``keys`` left out everywhere: the list of bodies, the groups'
    members, the duties, the activities and the targets' owners."""
    if not keys:
        return content
    content = copy.deepcopy(content)
    content["bodies"] = [b for b in content.get("bodies", []) if b["key"] not in keys]
    for body in content["bodies"]:
        if "members" in body:
            body["members"] = [m for m in body["members"] if m["key"] not in keys]
    for item in [*content.get("responsibilities", []), *content.get("activities", [])]:
        for role in ROLES:
            if role in item:
                item[role] = [key for key in item[role] if key not in keys]
    for objective in content.get("objectives", []):
        for target in objective.get("targets", []):
            if target.get("owner") in keys:
                del target["owner"]
    return content


def remove_body(actor: User, draft: PlanDraft, key: str) -> None:
    """Leave a body (or a group's member unit) out of the new plan, e.g. a district abolished
    in a reform. Refused for the plan's coordinator and while a duty or activity would be left
    with nobody, naming them. The caller commits."""
    require_admin(actor)
    require_open(draft)
    if key not in body_keys(draft.content):
        raise InputError(gettext("There is no such body in the draft."), "key")
    if draft.header.get("coordinator") == key:
        raise InputError(gettext("The plan's coordinating body cannot be left out."), "key")
    content = without_bodies(draft.content, {key})
    orphans = [item["ref"] for item in content.get("responsibilities", []) if not item.get("assignees")]
    orphans += [item["ref"] for item in content.get("activities", []) if not item.get("lead")]
    if orphans:
        raise InputError(
            gettext("Give these to another body first: %(refs)s.", refs=", ".join(orphans)), "key"
        )
    save_edit(actor, draft, content, f"- {key}", {"body_removed": key})


def add_body(
    actor: User,
    draft: PlanDraft,
    *,
    key: str,
    name: str,
    name_en: str | None = None,
    short_name: str | None = None,
    group: str | None = None,
    ref: str | None = None,
) -> None:
    """Add a body to the new plan (a merged province's department), or a member unit to one of
    its groups (a commune); give it duties with :func:`edit_duty`. The caller commits."""
    require_admin(actor)
    require_open(draft)
    key = (key or "").strip().lower()
    if not KEY_RE.match(key) or len(key) > 80:
        raise InputError(
            gettext("Use lower-case letters, digits and hyphens, e.g. district-thanh-ha."), "key"
        )
    content = copy.deepcopy(draft.content)
    if key in body_keys(content):
        raise InputError(gettext("Another body already uses this key."), "key")
    name = (name or "").strip()
    if not name:
        raise InputError(gettext("A body needs a name."), "name")
    entry: dict[str, Any] = {"key": key, "name": name}
    for field, value in (("name_en", name_en), ("short_name", short_name)):
        if value and value.strip():
            entry[field] = value.strip()
    if group:
        parent = next((b for b in content["bodies"] if b["key"] == group and b.get("group")), None)
        if parent is None:
            raise InputError(gettext("Choose one of the plan's groups."), "group")
        parent.setdefault("members", []).append(entry)
    else:
        if ref and ref.strip():
            entry["ref"] = ref.strip()
        content["bodies"].append(entry)
    check_edit(draft, content, "key")
    save_edit(actor, draft, content, f"+ {key}: {name}", {"body_added": entry, "group": group or None})


def target(content: dict[str, Any], ref: str) -> dict[str, Any]:
    for objective in content.get("objectives", []):
        for item in objective.get("targets", []):
            if item["ref"] == ref:
                found: dict[str, Any] = item
                return found
    raise InputError(gettext("There is no such target in the draft."))


def edit_owner(actor: User, draft: PlanDraft, ref: str, owner: str | None) -> None:
    """Set the body that reports target ``ref``'s figure (None: no body). The admin's choice
    replaces the file's inference: the target's "inferred" mark and its note go. The caller
    commits."""
    require_admin(actor)
    require_open(draft)
    content = copy.deepcopy(draft.content)
    item = target(content, ref)
    owner = (owner or "").strip().lower() or None
    if owner is not None and owner not in body_keys(content):
        raise InputError(gettext("Unknown body: %(keys)s.", keys=owner), "owner")
    changes: dict[str, list[Any]] = {}
    if item.get("owner") != owner:
        changes["owner"] = [item.get("owner"), owner]
    if item.get("basis") == "inferred":
        changes["basis"] = ["inferred", "source"]
        changes["note"] = [item.get("note"), None]
    if not changes:
        return
    item.pop("basis", None)
    item.pop("note", None)
    if owner:
        item["owner"] = owner
    else:
        item.pop("owner", None)
    check_edit(draft, content, "owner")
    save_edit(actor, draft, content, f"{ref}: " + ", ".join(changes), {"target": ref, "changes": changes})
