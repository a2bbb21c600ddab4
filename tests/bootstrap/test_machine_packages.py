"""Given no source, what the machine already has: the cache, then PowerShell's PackageManagement
folders, then NuGet's global packages folder, and only then nuget.org (out of reach here).

A fake HOME holds both layouts, with packages built during the run: a look-alike client that
depends on Newtonsoft.Json and on a small Octodiff, each laid out as the tool that installs it does.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import Dict

import pytest

from octoclr.bootstrapper import bootstrap
from octoclr.errors import FeedError, PackageNotFoundError
from tests.support.feed import unreachable_url
from tests.support.nupkg import build_nupkg, build_test_client

OCTODIFF_SOURCE = "namespace Octodiff { public static class Signature { public static string Name { get { return \"Octodiff\"; } } } }\n"

CLIENT_NEEDS = {".NETFramework4.5": [("Newtonsoft.Json", "[6.0.8, )"), ("Octodiff", "[1.2.0, )")],
                ".NETStandard2.0": [("Newtonsoft.Json", "[6.0.8, )"), ("Octodiff", "[1.2.0, )")]}


@pytest.fixture(scope="module")
def machine_packages(nuget_test_packages, tmp_path_factory) -> Dict[str, Path]:
    """{name: .nupkg}: Octopus.Client 8.2.0 and 11.0.0 needing Octodiff 1.2.0 and Newtonsoft.Json."""
    from tests.support.csharp import compile_library

    build = tmp_path_factory.mktemp("machine-packages")
    source = build / "Octodiff.cs"
    source.write_text(OCTODIFF_SOURCE)
    octodiff_dll = compile_library([source], build / "octodiff" / "Octodiff.dll", assembly_version="1.2.0.0")
    built = {f"Octopus.Client.{v}": build_test_client(build, v, nuget_test_packages.client_dlls, dependencies=CLIENT_NEEDS)
             for v in ("8.2.0", "11.0.0")}
    built["Octodiff.1.2.0"] = build_nupkg(build, "Octodiff", "1.2.0", libs={"net45": [octodiff_dll], "netstandard2.0": [octodiff_dll]})
    built["Newtonsoft.Json.6.0.8"] = nuget_test_packages.newtonsoft
    return built


def unpack(nupkg: Path, folder: Path) -> None:
    """What the installers leave beside the .nupkg: its files, unpacked."""
    with zipfile.ZipFile(nupkg) as archive:
        archive.extractall(folder)


def install_powershell(home: Path, name: str, nupkg: Path) -> Path:
    """As ``Install-Package`` does: Packages/<Id>.<Version>/<Id>.<Version>.nupkg and the files."""
    folder = home / ".local" / "share" / "PackageManagement" / "NuGet" / "Packages" / name
    folder.mkdir(parents=True)
    shutil.copyfile(nupkg, folder / f"{name}.nupkg")
    unpack(nupkg, folder)
    return folder


def install_nuget(root: Path, name: str, nupkg: Path) -> Path:
    """As NuGet's restore does: <id>/<version>/<id>.<version>.nupkg, its .sha512, the nuspec and the files."""
    package_id, version = split(name)
    folder = root / package_id.lower() / version
    folder.mkdir(parents=True)
    target = folder / f"{package_id.lower()}.{version}.nupkg"
    shutil.copyfile(nupkg, target)
    digest = base64.b64encode(hashlib.sha512(nupkg.read_bytes()).digest()).decode()
    (folder / f"{target.name}.sha512").write_text(digest)
    (folder / ".nupkg.metadata").write_text('{"version": 2, "contentHash": "%s", "source": "https://api.nuget.org/v3/index.json"}' % digest)
    unpack(nupkg, folder)
    return folder


def split(name: str):
    for package_id in ("Octopus.Client", "Newtonsoft.Json", "Octodiff"):
        if name.startswith(package_id + "."):
            return package_id, name[len(package_id) + 1:]
    raise ValueError(name)


@pytest.fixture
def home(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "fake-home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def no_nuget_org(monkeypatch) -> str:
    """nuget.org stands for a feed nobody answers: reaching it is a FeedError, never a download."""
    from octoclr.nuget import data

    url = unreachable_url()
    monkeypatch.setattr(data, "default_source", lambda: url)
    monkeypatch.setenv("OCTOCLR_HTTP_RETRIES", "0")
    return url


def powershell_root(home: Path) -> Path:
    return home / ".local" / "share" / "PackageManagement" / "NuGet" / "Packages"


def test_powershell_packages_are_used_with_their_dependencies(home, machine_packages, no_nuget_org, cache_dir) -> None:
    for name in ("Octopus.Client.8.2.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_powershell(home, name, machine_packages[name])
    result = bootstrap(runtime="mono", cache_dir=cache_dir)
    assert [(p.id, p.version) for p in result.packages] == [("Newtonsoft.Json", "6.0.8"), ("Octodiff", "1.2.0"), ("Octopus.Client", "8.2.0")]
    assert result.source == str(powershell_root(home))
    # Extracted from the .nupkg into the cache; never loaded from the unpacked files beside it.
    assert all(cache_dir in a.parents for a in result.assemblies)


def test_nuget_global_packages_are_used_and_checked_against_their_sha512(home, machine_packages, no_nuget_org, cache_dir) -> None:
    root = home / ".nuget" / "packages"
    for name in ("Octopus.Client.11.0.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_nuget(root, name, machine_packages[name])
    result = bootstrap(runtime="coreclr", cache_dir=cache_dir)
    assert [(p.id, p.version) for p in result.packages] == [("Newtonsoft.Json", "6.0.8"), ("Octodiff", "1.2.0"), ("Octopus.Client", "11.0.0")]
    assert result.framework == "netstandard2.0" and result.source == str(root)


def test_nuget_packages_names_the_global_folder(home, machine_packages, no_nuget_org, cache_dir, tmp_path, monkeypatch) -> None:
    root = tmp_path / "elsewhere"
    for name in ("Octopus.Client.11.0.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_nuget(root, name, machine_packages[name])
    monkeypatch.setenv("NUGET_PACKAGES", str(root))
    assert bootstrap(runtime="mono", cache_dir=cache_dir).source == str(root)


def test_the_order_is_cache_then_powershell_then_nuget(home, machine_packages, no_nuget_org, cache_dir) -> None:
    install_powershell(home, "Octopus.Client.8.2.0", machine_packages["Octopus.Client.8.2.0"])
    root = home / ".nuget" / "packages"
    for name in ("Octopus.Client.11.0.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_nuget(root, name, machine_packages[name])
    # PowerShell's client first; the dependencies it lacks come from NuGet's folder, each on its own.
    first = bootstrap(runtime="mono", cache_dir=cache_dir)
    assert first.client.version == "8.2.0" and first.source == str(powershell_root(home))
    # A version PowerShell does not have comes from NuGet's folder.
    assert bootstrap(version="11.0.0", runtime="mono", cache_dir=cache_dir).source == str(root)
    # With both folders gone, the cache alone answers (nuget.org is never asked).
    shutil.rmtree(home / ".local")
    shutil.rmtree(home / ".nuget")
    again = bootstrap(runtime="mono", cache_dir=cache_dir)
    assert again.client.version in ("8.2.0", "11.0.0")
    assert bootstrap(version="8.2.0", runtime="mono", cache_dir=cache_dir, offline=True).client.version == "8.2.0"


def test_the_machine_folders_are_used_offline_too(home, machine_packages, no_nuget_org, cache_dir) -> None:
    for name in ("Octopus.Client.8.2.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_powershell(home, name, machine_packages[name])
    assert bootstrap(runtime="mono", cache_dir=cache_dir, offline=True).client.version == "8.2.0"


def test_a_nupkg_that_does_not_match_its_sha512_is_passed_over(home, machine_packages, no_nuget_org, cache_dir, caplog) -> None:
    root = home / ".nuget" / "packages"
    for name in ("Octopus.Client.11.0.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_nuget(root, name, machine_packages[name])
    changed = root / "octopus.client" / "11.0.0" / "octopus.client.11.0.0.nupkg"
    shutil.copyfile(machine_packages["Octopus.Client.8.2.0"], changed)  # another package under the same name
    with pytest.raises(FeedError, match="Could not read the service index"):  # so it went on to nuget.org
        bootstrap(runtime="mono", cache_dir=cache_dir)
    assert "does not match its octopus.client.11.0.0.nupkg.sha512" in caplog.text
    assert not (cache_dir / "packages" / "octopus.client").exists()


def test_a_nupkg_whose_nuspec_names_another_version_is_refused(home, machine_packages, no_nuget_org, cache_dir) -> None:
    from octoclr.errors import CorruptPackageError

    folder = powershell_root(home) / "Octopus.Client.9.9.9"
    folder.mkdir(parents=True)
    shutil.copyfile(machine_packages["Octopus.Client.8.2.0"], folder / "Octopus.Client.9.9.9.nupkg")
    with pytest.raises(CorruptPackageError, match="served Octopus.Client 8.2.0 when asked for Octopus.Client 9.9.9"):
        bootstrap(runtime="mono", cache_dir=cache_dir)


def test_with_nothing_anywhere_the_message_names_every_place(home, no_nuget_org, cache_dir) -> None:
    with pytest.raises(PackageNotFoundError, match="found in none of: .*cache.*PackageManagement.*packages.*offline"):
        bootstrap(runtime="mono", cache_dir=cache_dir, offline=True)


def test_info_lists_what_it_found_and_changes_nothing(home, machine_packages, no_nuget_org, cache_dir, monkeypatch, tmp_path) -> None:
    from octoclr.diagnostics import diagnose, render

    install_powershell(home, "Octopus.Client.8.2.0", machine_packages["Octopus.Client.8.2.0"])
    root = home / ".nuget" / "packages"
    for name in ("Octopus.Client.11.0.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_nuget(root, name, machine_packages[name])
    (root / "octodiff" / "1.2.0" / "octodiff.1.2.0.nupkg.sha512").write_text("not the hash")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # a project: a bootstrap would lock here
    monkeypatch.setenv("OCTOCLR_RUNTIME", "mono")
    diagnosis = diagnose(cache_dir=cache_dir)
    places = {place["label"]: place for place in diagnosis.to_dict()["machine_packages"]}
    assert list(places) == ["PowerShell PackageManagement (this user)", "PowerShell PackageManagement (all users)",
                            "NuGet global packages"]
    mine = places["PowerShell PackageManagement (this user)"]
    assert mine["folder"] == str(powershell_root(home)) and mine["exists"]
    assert mine["packages"] == [{"id": "Octopus.Client", "version": "8.2.0", "usable": True,
                                 "nupkg": str(powershell_root(home) / "Octopus.Client.8.2.0" / "Octopus.Client.8.2.0.nupkg")}]
    assert not places["PowerShell PackageManagement (all users)"]["exists"]
    nuget = {(p["id"], p["version"]): p for p in places["NuGet global packages"]["packages"]}
    assert nuget[("Octopus.Client", "11.0.0")]["usable"] and nuget[("Newtonsoft.Json", "6.0.8")]["usable"]
    assert not nuget[("Octodiff", "1.2.0")]["usable"] and "does not match" in nuget[("Octodiff", "1.2.0")]["problem"]
    # Nothing cached: the client would come from the first folder that has one.
    client_from = diagnosis.client_from
    assert (client_from["kind"], client_from["version"], client_from["source"]) == ("powershell", "8.2.0", str(powershell_root(home)))
    assert diagnosis.missing == []
    assert diagnose(cache_dir=cache_dir, version="11.0.0").client_from["source"] == str(root)
    text = "\n".join(render(diagnosis))
    assert f"  PowerShell PackageManagement (this user): {powershell_root(home)}\n    Octopus.Client 8.2.0\n" in text
    assert "    Octodiff 1.2.0 (passed over:" in text
    assert "client from    powershell: Octopus.Client 8.2.0" in text
    # info only looks: nothing went into the cache, no lock file was written.
    assert not (cache_dir / "packages").exists()
    assert not (tmp_path / "octoclr.lock.json").exists()


def test_the_all_users_folder_comes_after_this_users(home, machine_packages, no_nuget_org, cache_dir, tmp_path, monkeypatch) -> None:
    from octoclr.nuget import local

    all_users = tmp_path / "usr-local-share"
    monkeypatch.setattr(local, "UNIX_ALL_USERS", all_users)
    shared = all_users / "PackageManagement" / "NuGet" / "Packages"
    for name in ("Octopus.Client.11.0.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_powershell_into(shared, name, machine_packages[name])
    assert bootstrap(runtime="mono", cache_dir=cache_dir).source == str(shared)
    # This user's own install, even of an older version, is tried first.
    install_powershell(home, "Octopus.Client.8.2.0", machine_packages["Octopus.Client.8.2.0"])
    other_cache = tmp_path / "other-cache"
    first = bootstrap(runtime="mono", cache_dir=other_cache)
    assert (first.client.version, first.source) == ("8.2.0", str(powershell_root(home)))


def test_xdg_data_home_moves_this_users_folder(home, machine_packages, no_nuget_org, cache_dir, tmp_path, monkeypatch) -> None:
    data_home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    folder = data_home / "PackageManagement" / "NuGet" / "Packages"
    for name in ("Octopus.Client.8.2.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_powershell_into(folder, name, machine_packages[name])
    assert bootstrap(runtime="mono", cache_dir=cache_dir).source == str(folder)


def test_windows_folders_are_local_app_data_then_program_files(monkeypatch, tmp_path) -> None:
    from octoclr.nuget.local import local_package_sources, powershell_folders

    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))
    below = Path("PackageManagement") / "NuGet" / "Packages"
    assert powershell_folders("win32") == [("this user", tmp_path / "AppData" / "Local" / below),
                                           ("all users", tmp_path / "Program Files" / below)]
    assert [s.label for s in local_package_sources("win32")] == [
        "PowerShell PackageManagement (this user)", "PowerShell PackageManagement (all users)", "NuGet global packages"]
    monkeypatch.delenv("LOCALAPPDATA")  # a service account without one: the other folders still count
    assert powershell_folders("win32") == [("all users", tmp_path / "Program Files" / below)]


def test_the_lock_file_holds_across_folders_and_refuses_another_nupkg(home, machine_packages, nuget_test_packages, no_nuget_org,
                                                                     cache_dir, tmp_path) -> None:
    from octoclr.errors import IntegrityError

    lock = tmp_path / "octoclr.lock.json"
    for name in ("Octopus.Client.8.2.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_powershell(home, name, machine_packages[name])
    bootstrap(runtime="mono", cache_dir=cache_dir, lock_file=lock)
    assert str(powershell_root(home)) in lock.read_text()
    # The same .nupkg from NuGet's folder, into a fresh cache: the same release, no mismatch.
    shutil.rmtree(home / ".local")
    root = home / ".nuget" / "packages"
    for name in ("Octopus.Client.8.2.0", "Newtonsoft.Json.6.0.8", "Octodiff.1.2.0"):
        install_nuget(root, name, machine_packages[name])
    assert bootstrap(runtime="mono", cache_dir=tmp_path / "cache-2", lock_file=lock).source == str(root)
    # Another .nupkg under the locked id and version (its .sha512 rewritten to match) is refused.
    other = build_test_client(tmp_path / "other", "8.2.0", nuget_test_packages.client_dlls, dependencies=CLIENT_NEEDS,
                              extra_entries={"rebuilt.txt": b"another build of the same version"})
    changed = root / "octopus.client" / "8.2.0" / "octopus.client.8.2.0.nupkg"
    shutil.copyfile(other, changed)
    (changed.parent / (changed.name + ".sha512")).write_text(base64.b64encode(hashlib.sha512(changed.read_bytes()).digest()).decode())
    with pytest.raises(IntegrityError) as raised:
        bootstrap(runtime="mono", cache_dir=tmp_path / "cache-3", lock_file=lock)
    assert str(root) in str(raised.value)


def install_powershell_into(packages: Path, name: str, nupkg: Path) -> Path:
    folder = packages / name
    folder.mkdir(parents=True)
    shutil.copyfile(nupkg, folder / f"{name}.nupkg")
    unpack(nupkg, folder)
    return folder
