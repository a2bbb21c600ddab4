"""The audit log over HTTP: what is recorded, and every filter of GET …/events."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import delete, put


def _events(api: httpx.Client, **params: str) -> list[dict]:
    response = api.get("/api/events", params={"take": "1000", **params})
    assert response.status_code == 200, response.text
    return response.json()["Items"]


def test_an_event_names_what_changed_and_who_changed_it(api: httpx.Client) -> None:
    env = api.post("/api/Spaces-1/environments", json={"Name": "Audited"}).json()
    created = _events(api, regarding=env["Id"])[0]
    assert created["Category"] == "Created" and created["Message"] == "Created environment Audited"
    assert created["RelatedDocumentIds"] == [env["Id"], "Spaces-1"]
    ref = created["MessageReferences"][0]
    assert ref["ReferencedDocumentId"] == env["Id"]
    assert created["Message"][ref["StartIndex"]:ref["StartIndex"] + ref["Length"]] == "Audited"
    assert created["Username"] == "admin" and created["UserId"].startswith("Users-")
    assert created["Occurred"] and created["Links"]["Self"].endswith(created["Id"])


def test_events_filter_by_document_category_group_and_type(api: httpx.Client) -> None:
    first = api.post("/api/Spaces-1/environments", json={"Name": "One"}).json()
    second = api.post("/api/Spaces-1/environments", json={"Name": "Two"}).json()
    put(api, first["Links"]["Self"], {**first, "Description": "changed"})
    delete(api, second["Links"]["Self"])
    both = _events(api, regardingAny=f"{first['Id']},{second['Id']}")
    assert len(both) == 4
    assert _events(api, regarding=f"{first['Id']},{second['Id']}") == []
    assert [e["Category"] for e in _events(api, regarding=first["Id"], eventCategories="Modified")] == ["Modified"]
    deleted = _events(api, eventGroups="Document", eventCategories="Deleted", environments=second["Id"])
    assert [e["RelatedDocumentIds"][0] for e in deleted] == [second["Id"]]
    assert _events(api, regarding=first["Id"], eventGroups="Deployment") == []
    typed = _events(api, documentTypes="Environments")
    assert typed and all(any(i.startswith("Environments-") for i in e["RelatedDocumentIds"]) for e in typed)


def test_events_filter_by_user_date_and_auto_id(api: httpx.Client) -> None:
    env = api.post("/api/Spaces-1/environments", json={"Name": "Dated"}).json()
    event = _events(api, regarding=env["Id"])[0]
    number = int(event["Id"].split("-")[1])
    assert _events(api, regarding=env["Id"], users=event["UserId"]) == [event]
    assert _events(api, regarding=env["Id"], users="Users-999") == []
    assert _events(api, regarding=env["Id"], fromAutoId=str(number), toAutoId=str(number)) == [event]
    assert _events(api, regarding=env["Id"], fromAutoId=str(number + 1)) == []
    assert _events(api, regarding=env["Id"], **{"from": "2000-01-01", "to": "2999-01-01T00:00:00Z"}) == [event]
    assert _events(api, regarding=env["Id"], **{"from": "2999-01-01"}) == []
    bad = api.get("/api/events", params={"from": "yesterday"})
    assert bad.status_code == 400 and "from" in bad.json()["ErrorMessage"]


def test_the_event_vocabularies_are_served_and_agree(api: httpx.Client) -> None:
    groups = api.get("/api/events/groups").json()
    categories = {c["Id"] for c in api.get("/api/events/categories").json()}
    assert {"Created", "Modified", "Deleted", "DeploymentQueued", "DeploymentSucceeded"} <= categories
    assert {c for g in groups for c in g["EventCategories"]} == categories
    only = api.get("/api/events/categories", params={"appliesTo": "Document"}).json()
    assert [c["Id"] for c in only] == ["Created", "Modified", "Deleted"]
    assert any(t["Id"] == "Environments" for t in api.get("/api/events/documenttypes").json())
    assert api.get("/api/events/agents").json()


