"""The OpenAPI document is valid and generated from the code, and the API keeps to it:
schemathesis drives every operation in-process with generated data, valid and invalid."""

import re

import pytest
import schemathesis
from flask import g, request_started
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from gplan.extensions import db
from tests.api_support import bearer
from tests.helpers import COORDINATOR_EMAIL, body, focal_email

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def user_found_per_request(app):
    """schemathesis calls the WSGI app itself, not through the test client that gives each
    request its own app context: start each of its requests with an empty ``g`` (so it finds
    its user and CSRF token anew), as in production."""

    def forget(_sender, **_extra):
        for name in list(g):
            g.pop(name, None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


def test_the_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/plans",
        "/api/v1/bodies",
        "/api/v1/plans/{plan_id}/responsibilities",
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}/history",
        "/api/v1/tasks/{task_id}/progress",
        "/api/v1/plans/{plan_id}/targets",
        "/api/v1/target-values/{value_id}/actuals/{year}",
        "/api/v1/plans/{plan_id}/progress/bodies",
        "/api/v1/plans/{plan_id}/progress/years",
    ):
        assert path in paths, path
    names = {p["name"] for p in paths["/api/v1/tasks"]["get"]["parameters"]}
    assert {"plan", "body", "year", "status", "due_before", "due_after", "page", "per_page"} <= names
    assert "bearerAuth" in document["components"]["securitySchemes"]


def test_every_api_route_is_documented(app, client):
    documented = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith(("/api/v1/docs", "/api/v1/openapi")):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            assert path in documented, rule.rule


def test_the_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        with client.get(f"/api/v1/docs/assets/{asset}") as response:
            assert response.status_code == 200 and response.get_data()
    assert "Apache License" in client.get("/api/v1/docs/assets/LICENSE").get_data(as_text=True)
    assert client.get("/api/v1/docs/assets/..%2fsecret").status_code == 404


def test_the_docs_page_serves_a_current_swagger_ui(client):
    """Swagger UI 4.15 bundled a DOMPurify with published advisories (fixed by 3.2.4)."""
    with client.get("/api/v1/docs/assets/swagger-ui-bundle.js") as response:
        bundle = response.get_data(as_text=True)
    purify = re.search(r'DOMPurify\.version="(\d+)\.(\d+)\.(\d+)"', bundle)
    assert purify and tuple(int(part) for part in purify.groups()) >= (3, 2, 4)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _known_ids(seed) -> dict[str, list[int]]:
    """Ids of real records, so that generated requests also reach existing objects."""
    from sqlalchemy import select

    from gplan.models import Body, Responsibility, Target, TargetValue, Task

    def ids(column, limit=30):
        return list(db.session.scalars(select(column).order_by(column).limit(limit)))

    health = body("health").id
    return {
        "plan_id": [seed.plan_id],
        "body_id": ids(Body.id),
        "task_id": ids(Task.id)
        + list(db.session.scalars(select(Task.id).where(Task.body_id == health).limit(10))),
        "responsibility_id": ids(Responsibility.id),
        "target_id": ids(Target.id),
        "value_id": ids(TargetValue.id),
        "year": list(range(2015, 2021)),
    }


def _strategy(operation, mode: GenerationMode, known: dict[str, list[int]]):
    strategy = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters if p.name in known]
    if mode is not GenerationMode.POSITIVE or not names:
        return strategy

    def with_real_ids(drawn):
        case, ids, use_them = drawn
        if use_them:
            case.path_parameters.update(ids)
        return case

    real = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})
    return st.tuples(strategy, real, st.booleans()).map(with_real_ids)


def _drive(app, seed, headers: dict, mode: GenerationMode, examples: int) -> list[str]:
    """Run generated requests against every operation; return what broke, per operation."""
    failures = []
    known = _known_ids(seed)
    for operation in _operations(app):

        @given(case=_strategy(operation, mode, known))
        @settings(EXAMPLES, max_examples=examples)
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label} [{mode}]: {error}")
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_document_for_the_coordinator(app, seed, mode):
    assert _drive(app, seed, bearer(COORDINATOR_EMAIL), mode, examples=12) == []


def test_the_api_keeps_to_its_document_for_a_focal_point(app, seed):
    assert _drive(app, seed, bearer(focal_email("health")), GenerationMode.POSITIVE, examples=8) == []
