"""What the task page shows of a task's extension requests and comment thread, with the forms
the user may send there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_login import current_user
from sqlalchemy import inspect
from sqlalchemy.orm.base import NO_VALUE

from gplan.accounts.access import can_ask_extension, can_comment, can_decide_extension
from gplan.blueprints.focal.request_forms import CommentForm, DecisionForm, ExtensionRequestForm
from gplan.models import Task
from gplan.tasks.comments import comments_of
from gplan.tasks.extensions import requests_of


def thread_context(task: Task, **sent: Any) -> dict[str, Any]:
    """The requests (newest first), the pending one, the comments, and a form for each step
    the user may take now; a form in ``sent`` (refused, with its errors and what was typed)
    replaces the fresh one."""
    requests = _read(task, "extension_requests", requests_of)
    pending = next((r for r in requests if r.is_pending), None)
    forms: dict[str, Any] = {"request_form": None, "decision_form": None, "comment_form": None}
    if pending is None and task.is_open and can_ask_extension(current_user, task):
        forms["request_form"] = ExtensionRequestForm(formdata=None)
    if pending is not None and can_decide_extension(current_user):
        forms["decision_form"] = DecisionForm(formdata=None, version=pending.version)
    if can_comment(current_user, task):
        forms["comment_form"] = CommentForm(formdata=None)
    for name, form in sent.items():
        if forms[name] is not None:  # a step no longer open (decided meanwhile) shows its message only
            forms[name] = form
    comments = _read(task, "comments", comments_of)
    return {"requests": requests, "pending": pending, "comments": comments, **forms}


def _read(task: Task, name: str, read: Callable[[Task], list[Any]]) -> list[Any]:
    """``task``'s collection ``name`` as the page's loader set it (empty: it found none), else
    ``read`` from the database."""
    value = inspect(task).attrs[name].loaded_value
    return read(task) if value is NO_VALUE else list(value)
