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


def test_a_version_1_file_is_still_read_and_written_as_version_2(tmp_path: Path) -> None:
    """Lock files written before entries said what they verified: a program folder's entry hashed its DLL."""
    path = tmp_path / "octoclr.lock.json"
    path.write_text(json.dumps({
        "lockVersion": 1,
        "targets": [{"package": "Octopus.Client", "target": "mono", "version": "8.2.0", "framework": "net45"}],
        "packages": [
            {"id": "Octopus.Client", "version": "8.2.0", "framework": "net45", "source": "http://feed/index.json",
             "sha512": SHA_A, "dependencies": []},
            {"id": "Octopus.Client", "version": "8.2.0", "framework": "program-folder", "source": "/opt/tentacle",
             "sha512": SHA_B, "dependencies": []},
        ],
    }))
    lock = LockFile.load(path)
    assert lock.hash_of("Octopus.Client", "8.2.0").sha512 == SHA_A
    assert lock.files_of("Octopus.Client", "8.2.0").files == (("Octopus.Client.dll", SHA_B),)
    lock.verify("Octopus.Client", "8.2.0", SHA_A, "feed")  # the DLL's hash is no longer compared with a .nupkg
    lock.save(path)
    written = json.loads(path.read_text())
    assert written["lockVersion"] == 2
    kinds = {p["framework"]: p for p in written["packages"]}
    assert kinds["net45"]["verified"] == "nupkg" and kinds["net45"]["sha512"] == SHA_A
    assert kinds["program-folder"]["verified"] == "files" and kinds["program-folder"]["files"] == {"Octopus.Client.dll": SHA_B}
    assert LockFile.load(path) == lock


def test_files_and_nupkg_of_one_version_are_verified_apart() -> None:
    files = LockedPackage("Octopus.Client", "8.2.0", "program-folder", "/opt/tentacle", "", (), "files",
                          (("Octopus.Client.dll", SHA_B),))
    lock = LockFile().with_result([package(), files], None)  # two kinds of hash for one version: valid
    lock.verify("Octopus.Client", "8.2.0", SHA_A, "feed")
    lock.verify_files("Octopus.Client", "8.2.0", {"Octopus.Client.dll": SHA_B}, "/opt/tentacle/Octopus.Client.dll")
    with pytest.raises(IntegrityError) as info:
        lock.verify_files("Octopus.Client", "8.2.0", {"octopus.client.dll": SHA_A}, "/opt/tentacle/Octopus.Client.dll")
    for part in ("Octopus.Client 8.2.0 (Octopus.Client.dll)", SHA_A, SHA_B, "/opt/tentacle/Octopus.Client.dll"):
        assert part in str(info.value)
    with pytest.raises(IntegrityError):
        lock.verify("Octopus.Client", "8.2.0", SHA_B, "feed")


def test_a_files_entry_must_hold_hashes(tmp_path: Path) -> None:
    path = tmp_path / "octoclr.lock.json"
    path.write_text(json.dumps({"lockVersion": 2, "packages": [
        {"id": "Octopus.Client", "version": "8.2.0", "framework": "program-folder", "verified": "files",
         "source": "/opt", "files": {"Octopus.Client.dll": "abc"}}]}))
    with pytest.raises(LockFileError, match=r"packages\[0\]\.files\['Octopus.Client.dll'\]: not a base64 SHA-512"):
        LockFile.load(path)
