"""Sources other than a v3 feed: a folder, one .nupkg, an Octopus Server/Tentacle program folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from octoclr.bootstrapper import bootstrap
from octoclr.errors import FeedError, IntegrityError, PackageNotFoundError
from octoclr.nuget.feed import describe_source


def test_a_folder_of_nupkg_files(test_packages, cache_dir, lock_path) -> None:
    result = bootstrap(source=str(test_packages.folder), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    assert [(p.id, p.version) for p in result.packages] == [("Newtonsoft.Json", "6.0.8"), ("Octopus.Client", "11.0.0")]
    assert result.source == str(test_packages.folder.resolve())
    assert json.loads(lock_path.read_text())["packages"][0]["source"] == result.source


def test_a_folder_in_nuget_layout_through_the_environment(test_packages, cache_dir, lock_path, tmp_path, monkeypatch) -> None:
    layout = tmp_path / "global-packages"
    for package in test_packages.all():
        target = layout / package.name.split(".")[0] / package.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package, target)
    monkeypatch.setenv("OCTOCLR_SOURCE", str(layout))
    result = bootstrap(version="[8.0,9.0)", runtime="coreclr", cache_dir=cache_dir, lock_path=lock_path)
    assert result.client.version == "8.2.0" and result.framework == "netstandard2.0"
    assert result.source == str(layout.resolve())


def test_one_nupkg_file_takes_its_dependencies_from_beside_it(test_packages, cache_dir, lock_path) -> None:
    result = bootstrap(source=str(test_packages.clients["7.1.0"]), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    assert [(p.id, p.version) for p in result.packages] == [("Newtonsoft.Json", "6.0.8"), ("Octopus.Client", "7.1.0")]


def test_one_nupkg_file_alone_says_what_is_missing(test_packages, cache_dir, lock_path, tmp_path) -> None:
    lonely = tmp_path / "alone" / test_packages.clients["7.1.0"].name
    lonely.parent.mkdir()
    shutil.copyfile(test_packages.clients["7.1.0"], lonely)
    with pytest.raises(PackageNotFoundError, match="not Newtonsoft.Json.*Put the .nupkg files it needs beside it"):
        bootstrap(source=str(lonely), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)


def test_a_source_that_does_not_exist(cache_dir, lock_path, tmp_path) -> None:
    with pytest.raises(FeedError, match="neither a URL nor an existing file or folder"):
        bootstrap(source=str(tmp_path / "nowhere"), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)


@pytest.fixture
def program_folder(test_packages, tmp_path) -> Path:
    """What a Tentacle installation holds: the client, its companions, and other files."""
    folder = tmp_path / "Octopus Deploy" / "Tentacle"
    folder.mkdir(parents=True)
    shutil.copyfile(test_packages.client_dlls["net45"], folder / "Octopus.Client.dll")
    shutil.copyfile(test_packages.client_dlls["net45"].parent.parent.parent / "newtonsoft" / "Newtonsoft.Json.dll", folder / "Newtonsoft.Json.dll")
    (folder / "Tentacle.exe").write_bytes(b"MZ")
    return folder


def test_an_octopus_program_folder(program_folder, cache_dir, lock_path) -> None:
    result = bootstrap(source=str(program_folder), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    # Versions come from the files' version resources (Debian's Newtonsoft.Json is 6.0.8.18111).
    assert [(p.id, p.version) for p in result.packages] == [("Newtonsoft.Json", "6.0.8.18111"), ("Octopus.Client", "1.0.0")]
    assert result.assemblies == (program_folder / "Newtonsoft.Json.dll", program_folder / "Octopus.Client.dll")
    assert result.framework == "program-folder"
    assert not (cache_dir / "packages").exists()  # used in place, never copied
    # Hashes are locked like any package's: a changed file is noticed.
    (program_folder / "Octopus.Client.dll").write_bytes((program_folder / "Octopus.Client.dll").read_bytes() + b"\0")
    with pytest.raises(IntegrityError, match="Octopus.Client 1.0.0"):
        bootstrap(source=str(program_folder), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)


@pytest.mark.parametrize("variable", ["Octopus.Tentacle.Agent.ProgramDirectoryPath", "Octopus_Tentacle_Agent_ProgramDirectoryPath"])
def test_the_tentacle_variable_names_the_program_folder(program_folder, cache_dir, lock_path, monkeypatch, variable) -> None:
    monkeypatch.setenv(variable, str(program_folder))
    spec = describe_source(None)
    assert (spec.kind, spec.origin) == ("program-folder", variable)
    result = bootstrap(runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    assert result.assemblies[-1] == program_folder / "Octopus.Client.dll"


def test_an_explicit_source_wins_over_the_tentacle_variable(program_folder, test_packages, monkeypatch) -> None:
    monkeypatch.setenv("Octopus.Tentacle.Agent.ProgramDirectoryPath", str(program_folder))
    assert describe_source(str(test_packages.folder)).kind == "folder"
    monkeypatch.setenv("OCTOCLR_SOURCE", "https://example.invalid/v3/index.json")
    assert describe_source(None).origin == "OCTOCLR_SOURCE"


def test_a_program_folder_of_another_version(program_folder, cache_dir, lock_path) -> None:
    with pytest.raises(PackageNotFoundError, match="holds Octopus.Client 1.0.0, which does not match"):
        bootstrap(version="11.0.0", source=str(program_folder), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)


def test_source_kinds() -> None:
    assert describe_source("https://api.nuget.org/v3/index.json").kind == "v3"
    assert describe_source("https://www.nuget.org/api/v2").kind == "v2"
    assert describe_source(None).location == "https://api.nuget.org/v3/index.json"


@pytest.fixture
def same_version_folder(test_packages, tmp_path) -> Path:
    """A feed folder whose Octopus.Client 1.0.0 .nupkg holds the very DLL the program folder has (file version 1.0.0)."""
    from tests.support.nupkg import build_test_client

    folder = tmp_path / "same-version-feed"
    build_test_client(folder, "1.0.0", test_packages.client_dlls)
    shutil.copyfile(test_packages.newtonsoft, folder / test_packages.newtonsoft.name)
    return folder


@pytest.mark.parametrize("order", ["program-folder-first", "feed-first"])
def test_moving_between_a_program_folder_and_a_feed_of_one_version_is_no_mismatch(
        program_folder, same_version_folder, cache_dir, lock_path, order) -> None:
    sources = [str(program_folder), str(same_version_folder)]
    if order == "feed-first":
        sources.reverse()
    for source in sources + sources:  # and back again
        result = bootstrap(version="1.0.0", source=source, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
        assert result.client.version == "1.0.0"
    entries = {p["framework"]: p for p in json.loads(lock_path.read_text())["packages"] if p["id"] == "Octopus.Client"}
    assert entries["program-folder"]["verified"] == "files"
    assert set(entries["program-folder"]["files"]) == {"Octopus.Client.dll"}
    assert entries["net45"]["verified"] == "nupkg"


def test_another_nupkg_for_a_locked_version_is_refused_naming_both_hashes_and_the_source(
        program_folder, same_version_folder, test_packages, cache_dir, lock_path, tmp_path) -> None:
    from octoclr.nuget.download import hash_file
    from tests.support.nupkg import build_test_client

    bootstrap(source=str(program_folder), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    bootstrap(version="1.0.0", source=str(same_version_folder), runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    locked = hash_file(next(same_version_folder.glob("octopus.client.*.nupkg")))
    other = tmp_path / "other-build"
    rebuilt = build_test_client(other, "1.0.0", test_packages.client_dlls, extra_entries={"readme.txt": b"another build"})
    shutil.copyfile(test_packages.newtonsoft, other / test_packages.newtonsoft.name)
    with pytest.raises(IntegrityError) as info:
        bootstrap(version="1.0.0", source=str(other), runtime="mono", cache_dir=tmp_path / "fresh-cache", lock_path=lock_path)
    message = str(info.value)
    assert "Octopus.Client 1.0.0" in message and locked in message and hash_file(rebuilt) in message
    assert str(other) in message
