"""The look-alike's feeds and built-in feed against the simulator, as Octopus.Client drives them:
a full push, a delta push against the nearest stored version, overwrite modes, listing, deleting,
and a feed's package versions. Through raw pythonnet, with .NET streams built explicitly."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from tests.lookalike.test_lookalike import Loaded, Server, lookalike, server  # noqa: F401  (fixtures)
from tests.support.csharp import mcs_available
from tests.support.nupkg import NEWTONSOFT_NUPKG
from tests.support.packages import nupkg, zip_package

pytestmark = [
    pytest.mark.skipif(not mcs_available(), reason="mcs (Mono's C# compiler) is needed to build the look-alike"),
    pytest.mark.skipif(not NEWTONSOFT_NUPKG.is_file(), reason=f"{NEWTONSOFT_NUPKG} is needed (Debian's nupkg-newtonsoft.json)"),
]


def _repository(server: Server) -> Any:
    from Octopus.Client import OctopusRepository, OctopusServerEndpoint  # type: ignore[import-not-found]

    return OctopusRepository(OctopusServerEndpoint(server.url, server.api_key))


def _stream(lookalike: Loaded, content: bytes) -> Any:
    System = lookalike.System
    return System.IO.MemoryStream(System.Array[System.Byte](content))


def _requests(repository: Any) -> list[str]:
    """Every request the client sends from now on, as "METHOD path"."""
    seen: list[str] = []

    def record(request: Any) -> None:
        seen.append(f"{request.Method} {request.Uri.AbsolutePath}")

    from System import Action  # type: ignore[import-not-found]
    from Octopus.Client import OctopusRequest  # type: ignore[import-not-found]

    repository.Client.SendingOctopusRequest += Action[OctopusRequest](record)
    return seen


def test_push_list_get_and_delete_through_the_built_in_repository(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client.Model import OverwriteMode  # type: ignore[import-not-found]
    from Octopus.Client.Exceptions import OctopusValidationException  # type: ignore[import-not-found]

    repository = _repository(server)
    packages = repository.BuiltInPackageRepository
    content = nupkg("Lookalike.Push", "1.0.0", b"p" * 3000, release_notes="first")
    pushed = packages.PushPackage("Lookalike.Push.1.0.0.nupkg", _stream(lookalike, content), OverwriteMode.FailIfExists)
    assert (pushed.PackageId, pushed.Version, pushed.ReleaseNotes) == ("Lookalike.Push", "1.0.0", "first")
    assert pushed.Hash == hashlib.sha1(content).hexdigest() and pushed.PackageSizeBytes == len(content)

    with pytest.raises(OctopusValidationException) as refused:
        packages.PushPackage("Lookalike.Push.1.0.0.nupkg", _stream(lookalike, content), OverwriteMode.FailIfExists)
    assert refused.value.HttpStatusCode == 409 and "already exists" in refused.value.Message
    other = nupkg("Lookalike.Push", "1.0.0", b"other")
    kept = packages.PushPackage("Lookalike.Push.1.0.0.nupkg", _stream(lookalike, other), OverwriteMode.IgnoreIfExists)
    assert kept.Hash == pushed.Hash

    assert packages.GetPackage("Lookalike.Push", "1.0.0").Id == "packages-Lookalike.Push.1.0.0"
    listed = packages.ListPackages("Lookalike.Push", 0, 30)
    assert [p.Version for p in listed.Items] == ["1.0.0"]
    assert "Lookalike.Push" in [p.PackageId for p in packages.LatestPackages(0, 30).Items]
    packages.DeletePackage(pushed)
    assert packages.ListPackages("Lookalike.Push", 0, 30).TotalResults == 0


def test_a_second_version_goes_up_as_a_delta_and_arrives_whole(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client.Model import OverwriteMode  # type: ignore[import-not-found]

    repository = _repository(server)
    packages = repository.BuiltInPackageRepository
    payload = bytes(range(256)) * 300
    packages.PushPackage("Lookalike.Delta.1.0.0.nupkg", _stream(lookalike, nupkg("Lookalike.Delta", "1.0.0", payload)),
                         OverwriteMode.OverwriteExisting)
    second = nupkg("Lookalike.Delta", "1.1.0", payload[:40_000] + b"a change" + payload[40_000:])
    requests = _requests(repository)
    pushed = packages.PushPackage("Lookalike.Delta.1.1.0.nupkg", _stream(lookalike, second), OverwriteMode.FailIfExists)
    assert any(r.endswith("/packages/Lookalike.Delta/1.1.0/delta-signature") for r in requests), requests
    assert any(r.startswith("POST") and r.endswith("/packages/Lookalike.Delta/1.0.0/delta") for r in requests), requests
    assert not any(r.endswith("/packages/raw") for r in requests), requests
    assert pushed.Version == "1.1.0" and pushed.Hash == hashlib.sha1(second).hexdigest()
    with httpx.Client(base_url=server.url, headers={"X-Octopus-ApiKey": server.api_key}) as api:
        assert api.get("/api/Spaces-1/packages/packages-Lookalike.Delta.1.1.0/raw").content == second


def test_an_unrelated_file_falls_back_to_a_full_push(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client.Model import OverwriteMode  # type: ignore[import-not-found]

    repository = _repository(server)
    packages = repository.BuiltInPackageRepository
    import os

    packages.PushPackage("Lookalike.Random.1.0.0.zip", _stream(lookalike, zip_package(os.urandom(20_000))),
                         OverwriteMode.OverwriteExisting)
    requests = _requests(repository)
    other = zip_package(os.urandom(20_000))  # nothing in common: the delta would not be smaller
    pushed = packages.PushPackage("Lookalike.Random.2.0.0.zip", _stream(lookalike, other), OverwriteMode.FailIfExists)
    assert any(r.endswith("/delta-signature") for r in requests) and any(r.endswith("/packages/raw") for r in requests)
    assert not any(r.endswith("/delta") for r in requests)
    assert pushed.Hash == hashlib.sha1(other).hexdigest()


def test_feeds_and_their_package_versions(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client.Model import OverwriteMode  # type: ignore[import-not-found]

    System = lookalike.System
    repository = _repository(server)
    builtin = repository.Feeds.Get("feeds-builtin")
    assert builtin.GetType().Name == "BuiltInFeedResource" and str(builtin.FeedType) == "BuiltIn"
    for version in ("1.0.0", "1.3.0", "1.2.0"):
        repository.BuiltInPackageRepository.PushPackage(
            f"Lookalike.Versions.{version}.zip", _stream(lookalike, zip_package(version.encode())),
            OverwriteMode.OverwriteExisting)
    ids = System.Array[System.String](["Lookalike.Versions"])
    versions = repository.Feeds.GetVersions(builtin, ids)
    assert [(p.PackageId, p.Version) for p in versions] == [("Lookalike.Versions", "1.3.0")]
    nuget = repository.Feeds.FindByName("nuget.org")
    if nuget is not None:  # the demo seed has it
        assert nuget.GetType().Name == "NuGetFeedResource" and nuget.FeedUri.startswith("https://")


def test_the_async_repository_pushes_with_a_delta_and_reads_versions(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client import OctopusAsyncClient, OctopusServerEndpoint  # type: ignore[import-not-found]
    from Octopus.Client.Model import OverwriteMode  # type: ignore[import-not-found]

    from tests.lookalike.test_lookalike import wait

    System = lookalike.System
    client = wait(OctopusAsyncClient.Create(OctopusServerEndpoint(server.url, server.api_key)))
    try:
        packages = client.Repository.BuiltInPackageRepository
        payload = bytes(range(256)) * 200
        first = nupkg("Lookalike.Async", "1.0.0", payload)
        pushed = wait(packages.PushPackage("Lookalike.Async.1.0.0.nupkg", _stream(lookalike, first),
                                           OverwriteMode.OverwriteExisting))
        assert pushed.Hash == hashlib.sha1(first).hexdigest()  # a multipart form from the async client
        requests = _requests(client.Repository)
        second = nupkg("Lookalike.Async", "2.0.0", payload + b"more")
        pushed = wait(packages.PushPackage("Lookalike.Async.2.0.0.nupkg", _stream(lookalike, second),
                                           OverwriteMode.FailIfExists))
        assert pushed.Hash == hashlib.sha1(second).hexdigest()
        assert any(r.endswith("/packages/Lookalike.Async/1.0.0/delta") for r in requests), requests
        assert [p.Version for p in wait(packages.ListPackages("Lookalike.Async", 0, 30)).Items] == ["2.0.0", "1.0.0"]
        feed = wait(client.Repository.Feeds.Get("feeds-builtin"))
        versions = wait(client.Repository.Feeds.GetVersions(feed, System.Array[System.String](["Lookalike.Async"])))
        assert [p.Version for p in versions] == ["2.0.0"]
        from Octopus.Client.Model import PackageResource  # type: ignore[import-not-found]

        doomed = System.Collections.Generic.List[PackageResource]()
        doomed.Add(pushed)
        wait(packages.DeletePackages(doomed))
        assert wait(packages.GetPackage("Lookalike.Async", "1.0.0")).Version == "1.0.0"
    finally:
        client.Dispose()
