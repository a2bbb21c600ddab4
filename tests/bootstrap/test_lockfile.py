from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from octoclr.errors import IntegrityError, LockFileError
from octoclr.lockfile import LockedPackage, LockedTarget, LockFile

SHA_A = base64.b64encode(hashlib.sha512(b"a").digest()).decode()
SHA_B = base64.b64encode(hashlib.sha512(b"b").digest()).decode()


def package(version: str = "8.2.0", sha: str = SHA_A, framework: str = "net45") -> LockedPackage:
    return LockedPackage("Octopus.Client", version, framework, "http://feed/index.json", sha, ("Newtonsoft.Json/6.0.8/net45",))


def test_round_trip_and_atomic_save(tmp_path: Path) -> None:
    path = tmp_path / "octoclr.lock.json"
    lock = LockFile().with_result([package()], LockedTarget("Octopus.Client", "mono", "8.2.0", "net45"))
    lock.save(path)
    loaded = LockFile.load(path)
    assert loaded == lock
    assert loaded.target("octopus.client", "mono").version == "8.2.0"
    assert [p.name for p in tmp_path.iterdir()] == ["octoclr.lock.json"]  # no temporary left behind
    assert json.loads(path.read_text())["packages"][0]["sha512"] == SHA_A


def test_missing_file_is_an_empty_lock(tmp_path: Path) -> None:
    assert LockFile.load(tmp_path / "none.json").packages == ()


def test_verify_names_package_both_hashes_and_source() -> None:
    lock = LockFile().with_result([package()], None)
    lock.verify("Octopus.Client", "8.2.0", SHA_A, "anywhere")
    lock.verify("Octopus.Client", "11.0.0", SHA_B, "anywhere")  # not locked yet: nothing to compare
    with pytest.raises(IntegrityError) as info:
        lock.verify("octopus.client", "8.2.0", SHA_B, "http://elsewhere/index.json")
    message = str(info.value)
    for part in ("Octopus.Client 8.2.0", SHA_A, SHA_B, "http://elsewhere/index.json", "delete its entry"):
        assert part in message


@pytest.mark.parametrize(
    "mutate, field_path",
    [
        (lambda d: d["packages"][0].pop("sha512"), "packages[0].sha512: missing"),
        (lambda d: d["packages"][0].update(sha512="abc"), "packages[0].sha512: not a base64 SHA-512"),
        (lambda d: d["packages"][0].update(version=3), "packages[0].version: expected str"),
        (lambda d: d["packages"][0].update(dependencies=["x"]), "packages[0].dependencies[0]"),
        (lambda d: d["targets"][0].pop("target"), "targets[0].target: missing"),
        (lambda d: d.update(lockVersion=99), "lockVersion"),
        (lambda d: d["packages"].append(dict(d["packages"][0], framework="netstandard2.0", sha512=SHA_B)), "two different hashes"),
    ],
)
def test_invalid_files_name_the_field(tmp_path: Path, mutate, field_path: str) -> None:
    data = LockFile().with_result([package()], LockedTarget("Octopus.Client", "mono", "8.2.0", "net45")).to_dict()
    mutate(data)
    path = tmp_path / "octoclr.lock.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LockFileError, match="delete it to lock afresh") as info:
        LockFile.load(path)
    assert field_path in str(info.value)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "octoclr.lock.json"
    path.write_text("{")
    with pytest.raises(LockFileError, match="not valid JSON"):
        LockFile.load(path)


def test_merge_replaces_the_same_package_and_target() -> None:
    first = LockFile().with_result([package()], LockedTarget("Octopus.Client", "mono", "8.2.0", "net45"))
    second = first.with_result([package("11.0.0", SHA_B)], LockedTarget("Octopus.Client", "mono", "11.0.0", "net45"))
    assert len(second.packages) == 2 and len(second.targets) == 1
    assert second.target("Octopus.Client", "mono").version == "11.0.0"
