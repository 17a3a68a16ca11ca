"""The task list's JSON written directly from the page's plain rows.

Dumping 200 tasks through marshmallow cost more than reading them, and the standard library's
encoder then took as long as building the objects. This writes the same object, field for
field, as :class:`gplan.api.task_schemas.TaskPageSchema` (which still documents the answer in the
OpenAPI document; tests/test_list_rows.py checks both agree), encoded by orjson: dates and
instants as ISO 8601 (as ``date.isoformat()`` writes them), UTF-8, keys sorted as Flask sorts
them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from flask import Response

from gplan.models import Body
from gplan.paging import Page


def body_ref(body: Body) -> dict[str, Any]:
    """As ``BodyRefSchema``."""
    return {
        "id": body.id,
        "key": body.key,
        "name": body.name,
        "name_en": body.name_en,
        "short_name": body.short_name,
        "is_group": bool(body.is_group),
        "parent_id": body.parent_id,
    }


def task_json(task: Any, today: date, bodies: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One task (a ``gplan.tasks.rows.TaskRow`` or a ``Task``) as ``TaskSchema`` writes it."""
    duty = task.responsibility
    body = bodies.get(task.body_id) if bodies is not None else None
    if body is None:
        body = body_ref(task.body)
        if bodies is not None:
            bodies[task.body_id] = body
    return {
        "id": task.id,
        "plan_id": task.plan_id,
        "responsibility": {"id": duty.id, "ref": duty.ref, "text": duty.text, "ad_hoc": bool(duty.ad_hoc)},
        "body": body,
        "occurrence": task.occurrence,
        "year": task.year,
        "starts_on": task.starts_on,
        "ends_on": task.ends_on,
        "due_on": task.due_on,
        "extended_due_on": task.extended_due_on,
        "deadline": task.deadline,
        "progress": str(task.progress),
        "status": str(task.status_on(today)),
        "completed_on": task.completed_on,
        "completed_at": task.completed_at,
        "note": task.note,
        "evidence_url": task.evidence_url,
        "evidence_name": task.evidence_name,
        "updated_at": task.updated_at,
        "version": task.version,
        "closed_on": task.closed_on,
        "closed_reason": task.closed_reason,
        "closed_as_duplicate": bool(task.closed_as_duplicate),
    }


def task_page_response(page: Page[Any], today: date) -> Response:
    """A page of tasks as ``TaskPageSchema`` writes it."""
    bodies: dict[int, dict[str, Any]] = {}
    payload = {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
        "items": [task_json(task, today, bodies) for task in page.items],
    }
    return Response(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS), mimetype="application/json")
