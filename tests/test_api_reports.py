"""The body's report and the province's report through the API: the same rules and errors as
the pages (403 for another body, 409 for a stale version or a second decision, 422 without a
reason), with a personal token."""

from __future__ import annotations

from gplan.accounts.tokens import create_token
from gplan.extensions import db
from gplan.reporting.vocabulary import BodyReportStatus
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, OBSERVER_EMAIL, body, focal_email, user

YEAR = 2017


def _headers(email: str) -> dict:
    _token, secret = create_token(user(email), "reports test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_whole_cycle_through_the_api(client, seed):
    focal = _headers(focal_email("health"))
    url = f"/api/v1/plans/{seed.plan_id}/bodies/{body('health').id}/reports/{YEAR}"
    report = client.get(url, headers=focal).get_json()
    assert report["status"] == BodyReportStatus.DRAFT and report["version"] == 0
    refs = [s["key"] for s in report["sections"]]
    assert refs and report["sections"][0]["tasks"]
    narratives = {ref: f"Kết quả {ref}" for ref in refs}
    # Another body's focal point may not write it; an observer may read it.
    assert (
        client.put(
            url, json={"narratives": narratives, "version": 0}, headers=_headers(focal_email("finance"))
        ).status_code
        == 403
    )
    assert client.get(url, headers=_headers(OBSERVER_EMAIL)).status_code == 200
    saved = client.put(url, json={"narratives": {refs[0]: "Nháp"}, "version": 0}, headers=focal)
    assert saved.status_code == 200 and saved.get_json()["status"] == BodyReportStatus.DRAFT
    assert client.post(f"{url}/submit", json={"version": 0}, headers=focal).status_code == 409  # stale
    version = saved.get_json()["version"]
    if len(refs) > 1:
        incomplete = client.post(f"{url}/submit", json={"narratives": {}, "version": version}, headers=focal)
        assert incomplete.status_code == 422
    submitted = client.post(
        f"{url}/submit", json={"narratives": narratives, "version": version}, headers=focal
    ).get_json()
    assert submitted["status"] == BodyReportStatus.SUBMITTED
    rid, version = submitted["id"], submitted["version"]

    coordinator = _headers(COORDINATOR_EMAIL)
    assert (
        client.post(
            f"/api/v1/body-reports/{rid}/accept", json={"version": version}, headers=focal
        ).status_code
        == 403
    )
    no_reason = client.post(
        f"/api/v1/body-reports/{rid}/return", json={"reason": " ", "version": version}, headers=coordinator
    )
    assert no_reason.status_code == 422
    returned = client.post(
        f"/api/v1/body-reports/{rid}/return",
        json={"reason": "Thiếu số liệu", "version": version},
        headers=coordinator,
    )
    assert returned.status_code == 200 and returned.get_json()["reason"] == "Thiếu số liệu"
    version = returned.get_json()["version"]
    again = client.post(f"{url}/submit", json={"version": version}, headers=focal).get_json()
    accepted = client.post(
        f"/api/v1/body-reports/{rid}/accept", json={"version": again["version"]}, headers=coordinator
    )
    assert accepted.status_code == 200 and accepted.get_json()["status"] == BodyReportStatus.ACCEPTED
    twice = client.post(
        f"/api/v1/body-reports/{rid}/accept",
        json={"version": accepted.get_json()["version"]},
        headers=_headers(ADMIN_EMAIL),
    )
    assert twice.status_code == 409 and twice.is_json

    province = client.get(f"/api/v1/plans/{seed.plan_id}/province-reports/annual/{YEAR}", headers=coordinator)
    assert province.status_code == 200
    texts = [n["text"] for o in province.get_json()["objectives"] for n in o["narratives"]]
    assert narratives[refs[0]] in texts
    assert (
        client.get(f"/api/v1/plans/{seed.plan_id}/province-reports/annual/{YEAR}", headers=focal).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/plans/{seed.plan_id}/province-reports/final/{YEAR}", headers=coordinator
        ).status_code
        == 404
    )
