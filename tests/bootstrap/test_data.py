"""``bootstrap/frameworks.json``: one file, readable from a checkout and from an installed wheel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octoclr.errors import BootstrapError
from octoclr.nuget import data
from octoclr.nuget.frameworks import RuntimeTarget, parse_framework
from octoclr.nuget.versions import VersionRange
from tests.conftest import REPO


@pytest.fixture
def fresh_data(monkeypatch):
    data.load.cache_clear()
    yield
    data.load.cache_clear()


def test_the_package_copy_is_the_checkout_file() -> None:
    packaged = REPO / "octoclr" / "_data" / "frameworks.json"
    assert packaged.is_symlink() and packaged.resolve() == (REPO / "bootstrap" / "frameworks.json").resolve()


def test_the_data_is_consistent() -> None:
    content = json.loads((REPO / "bootstrap" / "frameworks.json").read_text())
    assert set(content["provided_by_runtime"]) == set(content["runtimes"]) == {"mono", "coreclr", "netfx"}
    for name, profile in content["runtimes"].items():
        parse_framework(profile["target"])
        assert profile["prefer"], name
        RuntimeTarget(name)  # every rule readable
    for notes in content["known_packages"].values():
        for note in notes:
            VersionRange.parse(note["versions"])
    assert data.provided_by_runtime("Microsoft.CSharp", "mono")
    assert data.provided_by_runtime("System.ComponentModel.Annotations", "coreclr")
    assert not data.provided_by_runtime("System.Reactive", "coreclr")
    assert not data.provided_by_runtime("Newtonsoft.Json", "mono")


def test_an_installed_wheel_reads_its_own_copy(fresh_data, monkeypatch, tmp_path) -> None:
    wheel_copy = tmp_path / "site-packages" / "octoclr" / "_data" / "frameworks.json"
    wheel_copy.parent.mkdir(parents=True)
    wheel_copy.write_text((REPO / "bootstrap" / "frameworks.json").read_text())
    # A symbolic link checked out as text (git on Windows without symlinks) is skipped.
    broken = tmp_path / "checkout" / "frameworks.json"
    broken.parent.mkdir()
    broken.write_text("../../bootstrap/frameworks.json")
    monkeypatch.setattr(data, "CANDIDATES", (tmp_path / "absent.json", broken, wheel_copy))
    assert data.load()["package_id"] == "Octopus.Client"


def test_missing_data_is_a_clear_error(fresh_data, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(data, "CANDIDATES", (tmp_path / "absent.json",))
    with pytest.raises(BootstrapError, match="frameworks.json.*missing.*Reinstall octoclr"):
        data.load()
