"""Variables over HTTP: names, the evaluated preview, library set usages and release snapshots of them."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import put

SPACE = "/api/Spaces-1"


def with_variables(api: httpx.Client) -> dict:
    library = api.post(f"{SPACE}/libraryvariablesets", json={"Name": "Shared"}).json()
    shared = api.get(library["Links"]["Variables"]).json()
    shared["Variables"] = [{"Name": "Shared.Url", "Value": "https://shared"},
                           {"Name": "Greeting", "Value": "hello from the library"}]
    assert put(api, shared["Links"]["Self"], shared).status_code == 200
    project = api.get(f"{SPACE}/projects/Projects-1").json()
    project["IncludedLibraryVariableSetIds"] = [library["Id"]]
    assert put(api, project["Links"]["Self"], project).status_code == 200
    own = api.get(f"{SPACE}/variables/variableset-Projects-1").json()
    own["Variables"] = [
        {"Name": "Greeting", "Value": "hello"},
        {"Name": "Greeting", "Value": "hello dev", "Scope": {"Environment": ["Environments-1"]}},
        {"Name": "Greeting", "Value": "hello web01", "Scope": {"Environment": ["Environments-1"], "Machine": ["Machines-1"]}},
        {"Name": "ProdOnly", "Value": "p", "Scope": {"Environment": ["Environments-3"]}},
        {"Name": "Secret", "Value": "hunter2", "IsSensitive": True, "Type": "Sensitive"}]
    assert put(api, own["Links"]["Self"], own).status_code == 200
    return library


def test_names_are_the_system_ones_and_the_projects_and_its_libraries(api: httpx.Client) -> None:
    with_variables(api)
    bare = api.get(f"{SPACE}/variables/names").json()
    assert "Octopus.Environment.Name" in bare and "Greeting" not in bare
    names = api.get(f"{SPACE}/variables/names", params={"project": "Projects-1"}).json()
    assert {"Greeting", "Shared.Url", "ProdOnly", "Secret", "Octopus.Project.Name"} <= set(names)
    assert names == sorted(names, key=str.lower)
    filtered = api.get(f"{SPACE}/variables/names", params={"project": "Projects-1",
                                                           "projectEnvironmentsFilter": "Environments-1"}).json()
    assert "ProdOnly" not in filtered and "Greeting" in filtered


def test_the_preview_picks_the_most_specific_value_and_hides_secrets(api: httpx.Client) -> None:
    with_variables(api)

    def preview(**params: str) -> dict:
        response = api.get(f"{SPACE}/variables/preview", params={"project": "Projects-1", **params})
        assert response.status_code == 200, response.text
        return {v["Name"]: v["Value"] for v in response.json()["Variables"]}

    assert preview()["Greeting"] == "hello"
    assert preview(environment="Environments-1")["Greeting"] == "hello dev"
    assert preview(environment="Environments-1", machine="Machines-1")["Greeting"] == "hello web01"
    assert "ProdOnly" not in preview(environment="Environments-1")
    assert preview(environment="Environments-3")["ProdOnly"] == "p"
    everything = preview()
    assert everything["Shared.Url"] == "https://shared" and everything["Secret"] is None
    assert "hunter2" not in api.get(f"{SPACE}/variables/preview", params={"project": "Projects-1"}).text
    assert api.get(f"{SPACE}/variables/preview").status_code == 400


def test_library_set_usages_name_the_projects_and_the_releases_that_froze_it(api: httpx.Client) -> None:
    library = with_variables(api)
    release = api.post(f"{SPACE}/releases", json={"ProjectId": "Projects-1", "Version": "4.2.0"}).json()
    assert len(release["LibraryVariableSetSnapshotIds"]) == 1
    frozen = api.get(f"{SPACE}/variables/{release['LibraryVariableSetSnapshotIds'][0]}").json()
    assert {v["Name"] for v in frozen["Variables"]} == {"Shared.Url", "Greeting"}
    usages = api.get(library["Links"]["Usages"]).json()
    assert [(u["ProjectId"], u["IsCurrentlyBeingUsedInProject"]) for u in usages["Projects"]] == [("Projects-1", True)]
    assert usages["Projects"][0]["Releases"] == [{"ReleaseId": release["Id"], "ReleaseVersion": "4.2.0"}]
    unused = api.post(f"{SPACE}/libraryvariablesets", json={"Name": "Unused"}).json()
    assert api.get(f"{SPACE}/libraryvariablesets/{unused['Id']}/usages").json()["Projects"] == []
