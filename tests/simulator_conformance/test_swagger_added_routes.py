"""Routes served since the first conformance pass match the Swagger description too: a generated
certificate, every permission, and runbooks and their snapshots below their project."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .conftest import unique

if TYPE_CHECKING:
    from .swagger import SwaggerDescription


def _conforms(swagger: "SwaggerDescription", method: str, path: str, response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    body = response.json()
    assert swagger.operation(method, path, response.status_code).schema is not None, f"{method} {path} is untyped"
    problems = swagger.response_errors(method, path, response.status_code, body)
    assert not problems, f"{method} {path} breaks its Swagger definition:\n" + "\n".join(problems[:20])
    return body


def test_a_generated_certificate_is_a_certificate_resource(api: httpx.Client, swagger: "SwaggerDescription") -> None:
    path = "/api/Spaces-1/certificates/generate"
    body = _conforms(swagger, "POST", path, api.post(path, json={"Name": unique("Generated"), "CommonName": "a.test"}))
    missing = sorted(set(swagger.properties_of("CertificateResource")) - set(body))
    assert not missing, f"a generated certificate lacks {missing}"


def test_permissions_all_matches_its_description(api: httpx.Client, swagger: "SwaggerDescription") -> None:
    _conforms(swagger, "GET", "/api/permissions/all", api.get("/api/permissions/all"))


def test_runbooks_and_snapshots_below_their_project(api: httpx.Client, swagger: "SwaggerDescription") -> None:
    project = api.get("/api/Spaces-1/projects/Projects-1").json()
    runbook = api.post(f"{project['Links']['Self']}/runbooks", json={"Name": unique("Runbook")})
    assert runbook.status_code == 201, runbook.text
    snapshot = api.post(f"{project['Links']['Self']}/runbookSnapshots?publish=true",
                        json={"Name": unique("Snapshot"), "RunbookId": runbook.json()["Id"]})
    assert snapshot.status_code == 201, snapshot.text
    for path in (f"/api/Spaces-1/projects/{project['Id']}/runbooks",
                 f"/api/Spaces-1/projects/{project['Id']}/runbookSnapshots",
                 f"/api/Spaces-1/projects/{project['Id']}/runbookSnapshots/{snapshot.json()['Name']}"):
        _conforms(swagger, "GET", path, api.get(path))
