"""A client generated from the OpenAPI document (openapi-python-client) works as generated:
nullable references are typed as their class (or None), and it talks to a live server."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from gplan.accounts.tokens import create_token
from gplan.extensions import db
from tests.helpers import focal_email, seed_plan_and_accounts, user

BIN = Path(sys.executable).parent
PACKAGE = "gplan_generated_client"
NULLABLE_REFERENCES = {
    "me": ("Me", "body", "BodyRef"),
    "plan": ("Plan", "coordinator_body", "BodyRef"),
    "target": ("Target", "owner_body", "BodyRef"),
    "task_event": ("TaskEvent", "user", "UserRef"),
    "actual": ("Actual", "entered_by", "UserRef"),
}


@pytest.fixture
def generated(fresh_app, tmp_path):
    """The client generated from the served document, importable as ``PACKAGE``."""
    document = fresh_app.test_client().get("/api/v1/openapi.json").get_json()
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    command = [str(BIN / "openapi-python-client"), "generate", "--path", "openapi.json"]
    result = subprocess.run(
        [*command, "--output-path", PACKAGE, "--meta", "none"],
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE), tmp_path / PACKAGE
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def live(fresh_app):
    """The app with the plan and its accounts on a free local port, and a focal point's token."""
    with fresh_app.app_context():
        seed_plan_and_accounts()
        _token, secret = create_token(user(focal_email("health")), "e-office")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, fresh_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", secret
    server.shutdown()


def _union(annotation: str) -> set[str]:
    return {part.strip() for part in annotation.split("|")}


def test_nullable_references_are_typed_as_their_class(generated):
    _package, folder = generated
    for module, (model, attribute, referenced) in NULLABLE_REFERENCES.items():
        cls = getattr(importlib.import_module(f"{PACKAGE}.models.{module}"), model)
        # attrs classes written with postponed annotations: the annotation is its source text.
        assert _union(cls.__annotations__[attribute]) == {referenced, "None", "Unset"}, (model, attribute)
    stand_ins = sorted(p.name for p in (folder / "models").glob("*_type_0*.py"))
    assert not [name for name in stand_ins if "type_0_type_0" in name], stand_ins


def test_the_generated_client_reads_me_and_tasks_and_records_progress(generated, live):
    package, _folder = generated
    base_url, secret = live
    api = f"{PACKAGE}.api"
    models = importlib.import_module(f"{PACKAGE}.models")
    client = package.AuthenticatedClient(base_url=base_url, token=secret, raise_on_unexpected_status=True)
    me = importlib.import_module(f"{api}.account.get_api_v1_me").sync(client=client)
    assert isinstance(me, models.Me) and isinstance(me.body, models.BodyRef)
    assert me.body.name == "Sở Y tế"

    tasks = importlib.import_module(f"{api}.tasks.get_api_v1_tasks")
    page = tasks.sync(client=client, per_page=5)
    assert isinstance(page, models.TaskPage) and page.total > 5 and len(page.items) == 5
    first = page.items[0]
    assert {task.body.name for task in page.items} == {"Sở Y tế"}

    change = models.ProgressChange(
        progress=models.ProgressChangeProgress("in_progress"), note="Đang tổng hợp", version=first.version
    )
    recorded = importlib.import_module(f"{api}.tasks.post_api_v1_tasks_task_id_progress").sync(
        first.id, client=client, body=change
    )
    assert isinstance(recorded, models.Task) and recorded.progress.value == "in_progress"
    history = importlib.import_module(f"{api}.tasks.get_api_v1_tasks_task_id_history").sync(
        first.id, client=client
    )
    (event,) = [e for e in history.items if e.kind.value == "progress"]
    assert isinstance(event.user, models.UserRef) and event.user.name.startswith("Đầu mối")
