"""Feeds and the built-in feed over HTTP: upload, overwrite modes, listings, versions, deltas."""

from __future__ import annotations

import base64
import hashlib
import warnings
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from octoclr.simulator import octodiff
from octoclr.testing import Simulator
from tests.simulator.conftest import delete, error_of
from tests.support.packages import nupkg, tar_package, zip_package

UPLOAD = "/api/Spaces-1/packages/raw"


def push(api: httpx.Client, file_name: str, content: bytes, **params: Any) -> httpx.Response:
    return api.post(UPLOAD, params=params, files={"file": (file_name, content, "application/octet-stream")})


def sync_client_body(file_name: str, content: bytes, boundary: str = "----------------------------8d9c") -> bytes:
    """The body exactly as Octopus.Client's synchronous client writes it: unquoted values, CRLF first."""
    return (f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=file; filename={file_name}\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()


# --- feeds and their links -------------------------------------------------------------------


def test_every_feed_carries_the_package_links_and_they_resolve(api: httpx.Client) -> None:
    builtin = api.get("/api/Spaces-1/feeds/feeds-builtin").json()
    assert builtin["FeedType"] == "BuiltIn"
    for name in ("Packages", "VersionsTemplate", "SearchPackagesTemplate", "SearchPackageVersionsTemplate"):
        assert builtin["Links"][name].startswith("/api/Spaces-1/feeds/feeds-builtin/packages"), name
    push(api, "Acme.Web.1.0.0.zip", zip_package())
    assert api.get("/api/Spaces-1/feeds/feeds-builtin/packages", params={"packageId": "Acme.Web"}).json()[0][
        "Version"] == "1.0.0"
    assert api.get("/api/Spaces-1/feeds/feeds-builtin/packages/search", params={"term": "acme"}).json()[
        "Items"][0]["LatestVersion"] == "1.0.0"
    versions = api.get("/api/Spaces-1/feeds/feeds-builtin/packages/versions", params={"packageId": "Acme.Web"}).json()
    assert versions["ItemType"] == "PackageVersion" and versions["TotalResults"] == 1


def test_an_external_feeds_package_search_is_not_simulated_and_says_so(api: httpx.Client) -> None:
    nuget = api.post("/api/Spaces-1/feeds", json={"Name": "Elsewhere", "FeedType": "NuGet",
                                                  "FeedUri": "https://example.invalid/v3/index.json"}).json()
    assert "VersionsTemplate" in nuget["Links"]
    response = api.get(nuget["Links"]["Self"] + "/packages/versions", params={"packageId": "x"})
    assert response.status_code == 404
    assert "not simulated" in error_of(response)["ErrorMessage"] and "Elsewhere" in response.text


def test_the_built_in_feed_can_be_neither_deleted_nor_made_twice(api: httpx.Client) -> None:
    assert delete(api, "/api/Spaces-1/feeds/feeds-builtin").status_code == 400
    assert api.post("/api/Spaces-1/feeds", json={"Name": "Second", "FeedType": "BuiltIn"}).status_code == 400


def test_a_new_space_gets_its_own_built_in_feed_and_packages(api: httpx.Client) -> None:
    space = api.post("/api/spaces", json={"Name": "Other", "SpaceManagersTeamMembers": ["Users-1"]}).json()
    feeds = api.get(f"/api/{space['Id']}/feeds", params={"feedType": "BuiltIn"}).json()["Items"]
    assert len(feeds) == 1 and feeds[0]["Id"] != "feeds-builtin"
    response = api.post(f"/api/{space['Id']}/packages/raw", files={"file": ("Only.Here.1.0.0.zip", zip_package())})
    assert response.status_code == 201 and response.json()["FeedId"] == feeds[0]["Id"]
    assert api.get("/api/Spaces-1/packages", params={"filter": "Only.Here"}).json()["TotalResults"] == 0
    assert api.get(f"/api/{space['Id']}/feeds/stats").json()["TotalPackages"] == 1


# --- upload -----------------------------------------------------------------------------------


def test_a_nuget_package_takes_id_version_and_notes_from_its_nuspec(api: httpx.Client) -> None:
    content = nupkg("Acme.Api", "2.1.0-beta.1", b"x" * 1000, release_notes="Fixed it", title="Acme API")
    response = push(api, "whatever-name.nupkg", content)
    assert response.status_code == 201, response.text
    package = response.json()
    assert (package["PackageId"], package["Version"], package["Title"]) == ("Acme.Api", "2.1.0-beta.1", "Acme API")
    assert package["Id"] == "packages-Acme.Api.2.1.0-beta.1" and package["FileExtension"] == ".nupkg"
    assert package["Hash"] == hashlib.sha1(content).hexdigest()  # lower-case hex SHA1, as Octopus.Client compares
    assert package["PackageSizeBytes"] == len(content) and package["Published"]
    assert package["ReleaseNotes"] == "Fixed it" and package["FeedId"] == "feeds-builtin"
    assert api.get(package["Links"]["Raw"]).content == content
    assert api.get(package["Links"]["Self"]).json()["Hash"] == package["Hash"]


@pytest.mark.parametrize("file_name, content", [
    ("Acme.Zip.1.0.0.zip", zip_package()),
    ("Acme.Jar.1.0.0.jar", zip_package()),
    ("Acme.Tar.1.0.0.tar", tar_package(compression="")),
    ("Acme.Targz.1.0.0.tar.gz", tar_package()),
    ("Acme.Tgz.1.0.0.tgz", tar_package()),
    ("Acme.Bz.1.0.0.tar.bz2", tar_package(compression="bz2")),
])
def test_other_formats_take_id_and_version_from_the_file_name(api: httpx.Client, file_name: str,
                                                              content: bytes) -> None:
    response = push(api, file_name, content)
    assert response.status_code == 201, response.text
    stem = file_name.split(".1.0.0")[0]
    assert (response.json()["PackageId"], response.json()["Version"]) == (stem, "1.0.0")
    assert response.json()["FileExtension"] == file_name[len(stem) + len(".1.0.0"):]


def test_the_synchronous_clients_multipart_form_is_read(api: httpx.Client) -> None:
    boundary = "----------------------------8d9c2b3a"
    content = zip_package(b"sync")
    response = api.post(UPLOAD, params={"overwriteMode": "FailIfExists"}, content=sync_client_body(
        "Sync.Client.3.0.0.zip", content, boundary), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 201, response.text
    assert api.get(response.json()["Links"]["Raw"]).content == content


@pytest.mark.parametrize("file_name, content, message", [
    ("Acme.1.0.0.exe", b"MZ", "not a package the built-in feed accepts"),
    ("NoVersion.zip", zip_package(), "could not be read from the file name"),
    ("Broken.1.0.0.zip", b"not a zip", "not a valid zip archive"),
    ("Broken.1.0.0.tar.gz", b"not gzip", "not a valid tar archive"),
    ("Broken.1.0.0.nupkg", zip_package(), "no .nuspec"),
    ("Empty.1.0.0.zip", b"", "length 0"),
])
def test_a_bad_upload_is_refused_with_why_and_leaves_nothing(api: httpx.Client, file_name: str, content: bytes,
                                                             message: str) -> None:
    response = push(api, file_name, content)
    assert response.status_code == 400
    assert message in error_of(response)["ErrorMessage"]
    assert api.get("/api/Spaces-1/feeds/stats").json()["TotalPackages"] == 0


def test_an_upload_without_a_file_part_or_form_is_refused(api: httpx.Client) -> None:
    assert "multipart/form-data" in error_of(api.post(UPLOAD, content=b"raw bytes"))["ErrorMessage"]
    no_file = api.post(UPLOAD, data={"field": "value"}, files={"x": ("", b"")})
    assert no_file.status_code == 400
    cut = sync_client_body("Cut.1.0.0.zip", zip_package())[:-20]
    short = api.post(UPLOAD, content=cut, headers={"Content-Type": "multipart/form-data; boundary=----------------------------8d9c"})
    assert "cut short" in error_of(short)["ErrorMessage"]


def test_overwrite_modes_fail_replace_or_ignore(api: httpx.Client) -> None:
    first, second = zip_package(b"first"), zip_package(b"second")
    assert push(api, "Acme.Mode.1.0.0.zip", first).status_code == 201
    refused = push(api, "Acme.Mode.1.0.0.zip", second)  # FailIfExists by default
    assert refused.status_code == 409 and "already exists" in error_of(refused)["ErrorMessage"]
    assert push(api, "Acme.Mode.1.0.0.zip", second, overwriteMode="failifexists").status_code == 409
    assert push(api, "Acme.Mode.1.0.0.zip", second, replace="false").status_code == 409
    ignored = push(api, "Acme.Mode.1.0.0.zip", second, overwriteMode="IgnoreIfExists")
    assert ignored.status_code == 200 and ignored.json()["Hash"] == hashlib.sha1(first).hexdigest()
    replaced = push(api, "Acme.Mode.1.0.0.zip", second, overwriteMode="OverwriteExisting")
    assert replaced.status_code == 201 and replaced.json()["Hash"] == hashlib.sha1(second).hexdigest()
    assert push(api, "Acme.Mode.1.0.0.zip", first, replace="true").json()["Hash"] == hashlib.sha1(first).hexdigest()
    audit = api.get("/api/events", params={"regarding": "packages-Acme.Mode.1.0.0"}).json()["Items"]
    assert [e["Category"] for e in audit] == ["Modified", "Modified", "Created"]  # newest first; nothing for refusals
    assert audit[-1]["Message"] == "Package Acme.Mode 1.0.0 was pushed to the built-in feed"
    assert api.get("/api/Spaces-1/packages/packages-Acme.Mode.1.0.0/raw").content == first
    assert "not one of" in error_of(push(api, "Acme.Mode.1.0.0.zip", first, overwriteMode="Sometimes"))["ErrorMessage"]


def test_an_equal_version_written_differently_is_the_same_package(api: httpx.Client) -> None:
    assert push(api, "Acme.Same.1.0.zip", zip_package()).status_code == 201
    assert push(api, "Acme.Same.1.0.0.zip", zip_package()).status_code == 409


# --- listing, getting, deleting ---------------------------------------------------------------------


@pytest.fixture
def stocked(api: httpx.Client) -> httpx.Client:
    for name in ("Acme.Web.1.0.0", "Acme.Web.1.2.0", "Acme.Web.2.0.0-beta.1", "Acme.Web.1.10.0",
                 "Acme.Worker.0.1.0", "Other.Thing.5.0.0"):
        assert push(api, name + ".zip", zip_package(name.encode())).status_code == 201
    return api


def test_the_package_list_filters_pages_and_gives_the_latest(stocked: httpx.Client) -> None:
    api = stocked
    web = api.get("/api/Spaces-1/packages", params={"nuGetPackageId": "acme.web"}).json()
    assert [p["Version"] for p in web["Items"]] == ["2.0.0-beta.1", "1.10.0", "1.2.0", "1.0.0"]
    latest = api.get("/api/Spaces-1/packages", params={"latest": "true"}).json()
    assert [(p["PackageId"], p["Version"]) for p in latest["Items"]] == [
        ("Acme.Web", "2.0.0-beta.1"), ("Acme.Worker", "0.1.0"), ("Other.Thing", "5.0.0")]
    filtered = api.get("/api/Spaces-1/packages", params={"filter": "Acme", "take": 2}).json()
    assert filtered["TotalResults"] == 5 and len(filtered["Items"]) == 2 and "Page.Next" in filtered["Links"]
    both = api.get("/api/Spaces-1/packages", params={"filter": "Acme", "nuGetPackageId": "Acme.Web"})
    assert "Only one of" in error_of(both)["ErrorMessage"]
    assert api.get("/api/packages", params={"latest": "true"}).json()["TotalResults"] == 3  # the default space


def test_a_package_is_found_by_its_id_with_or_without_the_prefix(stocked: httpx.Client) -> None:
    api = stocked
    assert api.get("/api/Spaces-1/packages/packages-Acme.Web.1.2.0").json()["Version"] == "1.2.0"
    assert api.get("/api/Spaces-1/packages/Acme.Web.1.2.0").json()["Id"] == "packages-Acme.Web.1.2.0"
    missing = api.get("/api/Spaces-1/packages/packages-Acme.Web.9.9.9")
    assert missing.status_code == 404 and "9.9.9" in error_of(missing)["ErrorMessage"]


def test_deleting_one_and_in_bulk(stocked: httpx.Client) -> None:
    api = stocked
    assert delete(api, "/api/Spaces-1/packages/packages-Other.Thing.5.0.0").status_code == 200
    assert api.get("/api/Spaces-1/packages/packages-Other.Thing.5.0.0").status_code == 404
    assert api.get("/api/events", params={"regarding": "packages-Other.Thing.5.0.0"}).json()["Items"][0][
        "Category"] == "Deleted"
    # Ids that name no package are passed over.
    assert delete(api, "/api/Spaces-1/packages/bulk?ids=packages-Acme.Web.1.0.0,packages-Nope.1.0.0").status_code == 200
    assert api.get("/api/Spaces-1/feeds/stats").json()["TotalPackages"] == 4
    assert delete(api, "/api/Spaces-1/packages/bulk?ids=packages-Acme.Web.1.2.0,packages-Acme.Web.1.10.0").status_code == 200
    assert api.get("/api/Spaces-1/feeds/stats").json()["TotalPackages"] == 2
    assert "No ids" in error_of(delete(api, "/api/Spaces-1/packages/bulk"))["ErrorMessage"]


def test_feed_package_versions_filter_by_prerelease_range_tag_and_text(stocked: httpx.Client) -> None:
    api = stocked
    url = "/api/Spaces-1/feeds/feeds-builtin/packages/versions"

    def versions(**params: str) -> list[str]:
        response = api.get(url, params={"packageId": "Acme.Web", **params})
        assert response.status_code == 200, response.text
        return [item["Version"] for item in response.json()["Items"]]

    assert versions() == ["1.10.0", "1.2.0", "1.0.0"]
    assert versions(includePreRelease="true") == ["2.0.0-beta.1", "1.10.0", "1.2.0", "1.0.0"]
    assert versions(versionRange="[1.1,2.0)") == ["1.10.0", "1.2.0"]
    assert versions(preReleaseTag="^beta") == ["2.0.0-beta.1"]
    assert versions(filter="1.1") == ["1.10.0"]
    assert versions(take="1", skip="1") == ["1.2.0"]
    assert "versionRange" in error_of(api.get(url, params={"packageId": "Acme.Web", "versionRange": "[x"}))[
        "ErrorMessage"]
    assert "packageId" in error_of(api.get(url))["ErrorMessage"]


def test_release_notes_of_several_packages_at_once(api: httpx.Client) -> None:
    push(api, "Noted.1.0.0.nupkg", nupkg("Noted", "1.0.0", release_notes="What changed"))
    notes = api.get("/api/Spaces-1/packages/notes", params={"packageIds": "packages-Noted.1.0.0,packages-Gone.2.0.0"}).json()
    assert [(n["PackageId"], n["Version"], n["Notes"]["Succeeded"], n["Notes"]["Notes"]) for n in notes["Packages"]] == [
        ("Noted", "1.0.0", True, "What changed"), ("Gone", "2.0.0", False, None)]
    one = api.get("/api/Spaces-1/feeds/feeds-builtin/packages/notes", params={"packageId": "Noted", "version": "1.0"})
    assert one.json() == {"Succeeded": True, "Notes": "What changed", "FailureReason": None, "DisplayMessage": None}


def test_feed_packages_give_the_newest_or_every_version_of_each_id(stocked: httpx.Client) -> None:
    api = stocked
    url = "/api/Spaces-1/feeds/feeds-builtin/packages"
    newest = api.get(url, params={"packageIds": "Acme.Web,Other.Thing"}).json()
    assert [(p["PackageId"], p["Version"]) for p in newest] == [("Acme.Web", "1.10.0"), ("Other.Thing", "5.0.0")]
    every = api.get(url, params={"packageId": "Acme", "partialMatch": "true", "includeMultipleVersions": "true"}).json()
    assert [p["Version"] for p in every] == ["1.10.0", "1.2.0", "1.0.0", "0.1.0"]
    search = api.get(url + "/search", params={"term": "work"}).json()
    assert [(i["Id"], i["LatestVersion"]) for i in search["Items"]] == [("Acme.Worker", "0.1.0")]


def test_a_nuget_client_pushes_to_the_nuget_endpoint(api: httpx.Client, sim: Simulator) -> None:
    content = nupkg("Pushed.By.NuGet", "3.0.0", b"n" * 100)
    files = {"package": ("package.nupkg", content, "application/octet-stream")}
    with httpx.Client(base_url=sim.url, headers={"X-NuGet-ApiKey": sim.api_key}) as nuget:
        assert nuget.put("/nuget/packages", files=files).status_code == 201
        assert nuget.put("/nuget/packages", files=files).status_code == 409
        assert nuget.put("/nuget/packages?replace=true", files=files).status_code == 201
        assert nuget.put("/Spaces-1/nuget/packages", files=files).status_code == 409
        assert nuget.put("/Spaces-99/nuget/packages", files=files).status_code == 404
        assert nuget.put("/nuget/packages", files=files, headers={"X-NuGet-ApiKey": ""}).status_code == 401
        assert nuget.put("/nuget/packages", files=files, headers={"X-NuGet-ApiKey": "API-WRONG"}).status_code == 401
    stored = api.get("/api/Spaces-1/packages/packages-Pushed.By.NuGet.3.0.0").json()
    assert stored["Hash"] == hashlib.sha1(content).hexdigest() and stored["FileExtension"] == ".nupkg"
    assert api.get("/nowhere").status_code == 404


# --- deltas --------------------------------------------------------------------------------------------


def test_a_delta_upload_stores_the_clients_exact_file(api: httpx.Client) -> None:
    payload = bytes(range(256)) * 400
    base = nupkg("Acme.Delta", "1.0.0", payload)
    assert push(api, "Acme.Delta.1.0.0.nupkg", base).status_code == 201
    signature = api.get("/api/Spaces-1/packages/Acme.Delta/1.1.0/delta-signature").json()
    assert signature["BaseVersion"] == "1.0.0"
    new = nupkg("Acme.Delta", "1.1.0", payload[:50_000] + b"changed" + payload[50_000:])
    delta = octodiff.create_delta(base64.b64decode(signature["Signature"]), new)
    assert len(delta) < len(new) / 4
    response = api.post("/api/Spaces-1/packages/Acme.Delta/1.0.0/delta", params={"overwriteMode": "FailIfExists"},
                        files={"file": ("Acme.Delta.1.1.0.nupkg", delta)})
    assert response.status_code == 201, response.text
    assert response.json()["Hash"] == hashlib.sha1(new).hexdigest() and response.json()["Version"] == "1.1.0"
    assert api.get(response.json()["Links"]["Raw"]).content == new


def test_a_delta_that_does_not_fit_the_base_is_refused_and_stores_nothing(api: httpx.Client) -> None:
    assert push(api, "Acme.Delta.1.0.0.zip", zip_package(b"a" * 10_000)).status_code == 201
    other_signature = octodiff.create_signature(__import__("io").BytesIO(zip_package(b"b" * 10_000)))
    delta = octodiff.create_delta(other_signature, zip_package(b"b" * 10_001))
    response = api.post("/api/Spaces-1/packages/Acme.Delta/1.0.0/delta", files={"file": ("Acme.Delta.1.1.0.zip", delta)})
    assert response.status_code == 400
    assert "could not be applied" in error_of(response)["ErrorMessage"]
    assert api.get("/api/Spaces-1/packages/packages-Acme.Delta.1.1.0").status_code == 404
    garbage = api.post("/api/Spaces-1/packages/Acme.Delta/1.0.0/delta", files={"file": ("Acme.Delta.1.1.0.zip", b"junk")})
    assert "OCTODELTA" in error_of(garbage)["ErrorMessage"]


def test_delta_routes_name_what_is_missing(api: httpx.Client) -> None:
    assert api.get("/api/Spaces-1/packages/Nothing.Here/1.0.0/delta-signature").status_code == 404
    assert push(api, "Acme.Base.1.0.0.zip", zip_package()).status_code == 201
    response = api.post("/api/Spaces-1/packages/Acme.Base/0.9.0/delta", files={"file": ("Acme.Base.1.1.0.zip", b"x")})
    assert response.status_code == 404 and "0.9.0" in error_of(response)["ErrorMessage"]
    wrong = api.post("/api/Spaces-1/packages/Acme.Base/1.0.0/delta", files={"file": ("Other.1.1.0.zip", b"x")})
    assert "Other" in error_of(wrong)["ErrorMessage"]


# --- limits and persistence ------------------------------------------------------------------------------


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An in-process simulator whose JSON limit is 1 kB and package limit 64 kB."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from octoclr.simulator import families
    from octoclr.simulator.app import SimulatorApp
    from octoclr.simulator.behaviours import Backend
    from octoclr.simulator.seed import bootstrap
    from octoclr.simulator.store import Store

    key = "API-PACKAGELIMITS000000000000"
    backend = Backend(Store())
    bootstrap(backend, username="admin", password="Password01!", api_key=key, installation_id=None)
    monkeypatch.setattr(families.packages, "MAX_PACKAGE_BYTES", 64 * 1024)
    with TestClient(SimulatorApp(backend, max_body=1024), headers={"X-Octopus-ApiKey": key}) as client:
        yield client


def test_a_package_above_the_json_limit_is_taken_and_one_above_the_package_limit_is_not(small_limits: Any) -> None:
    api = small_limits
    fits = zip_package(bytes(range(256)) * 100)  # 25 kB: over the JSON limit, under the package limit
    assert api.post(UPLOAD, files={"file": ("Big.Ok.1.0.0.zip", fits)}).status_code == 201
    too_big = api.post(UPLOAD, files={"file": ("Too.Big.1.0.0.zip", zip_package(b"x" * 70_000))})
    assert too_big.status_code == 413 and "limit" in too_big.json()["ErrorMessage"]
    assert api.get("/api/feeds/stats").json()["TotalPackages"] == 1


def test_packages_survive_a_restart(tmp_path: Path) -> None:
    content = nupkg("Acme.Kept", "1.0.0", b"k" * 5000)
    octopus = Simulator(data=tmp_path / "octopus.db")
    with octopus, httpx.Client(base_url=octopus.url, headers={"X-Octopus-ApiKey": octopus.api_key}) as api:
        assert push(api, "Acme.Kept.1.0.0.nupkg", content).status_code == 201
    with octopus, httpx.Client(base_url=octopus.url, headers={"X-Octopus-ApiKey": octopus.api_key}) as api:
        assert api.get("/api/Spaces-1/packages/packages-Acme.Kept.1.0.0/raw").content == content
        octopus.reset()
        assert api.get("/api/Spaces-1/feeds/stats").json()["TotalPackages"] == 0
