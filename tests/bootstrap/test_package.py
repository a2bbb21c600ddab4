from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from octoclr.errors import CorruptPackageError, UnsafePackageError
from octoclr.nuget.package import NupkgReader, parse_nuspec
from octoclr.nuget.versions import NuGetVersion
from tests.support.nupkg import NEWTONSOFT_NUPKG, build_nupkg, client_dependencies


@pytest.fixture
def dll(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "Lib.dll"
    path.parent.mkdir()
    path.write_bytes(b"MZ not really an assembly")
    return path


def test_reads_debians_real_newtonsoft_package() -> None:
    if not NEWTONSOFT_NUPKG.is_file():
        pytest.skip("Debian's nupkg-newtonsoft.json is not installed")
    with NupkgReader(NEWTONSOFT_NUPKG) as reader:
        nuspec = reader.nuspec()
        assert (nuspec.id, nuspec.version, nuspec.groups) == ("Newtonsoft.Json", NuGetVersion.parse("6.0.8"), ())
        assert list(reader.lib_folders()) == ["net45"]


def test_dependency_groups(tmp_path: Path, dll: Path) -> None:
    path = build_nupkg(tmp_path, "Octopus.Client", "8.2.0", libs={"net45": [dll]}, dependencies=client_dependencies())
    with NupkgReader(path) as reader:
        groups = {g.framework: [(d.id, str(d.range)) for d in g.dependencies] for g in reader.nuspec().groups}
    assert groups == {
        ".NETFramework4.5": [("Newtonsoft.Json", "[6.0.8, )")],
        ".NETStandard2.0": [("Newtonsoft.Json", "[6.0.8, )"), ("Microsoft.CSharp", "4.7.0")],
    }


def test_old_flat_dependency_list_applies_to_every_framework() -> None:
    nuspec = parse_nuspec(
        b'<package><metadata><id>A</id><version>1.0</version><dependencies>'
        b'<dependency id="B" version="[1.0]"/><dependency id="C"/></dependencies></metadata></package>'
    )
    (group,) = nuspec.groups
    assert group.framework is None
    assert [d.id for d in group.dependencies] == ["B", "C"]
    assert group.dependencies[0].range.is_exact


def test_extracts_only_the_chosen_lib_folder_never_tools(tmp_path: Path, dll: Path) -> None:
    path = build_nupkg(tmp_path, "A", "1.0.0", libs={"net45": [dll], "netstandard2.0": [dll]},
                       extra_entries={"lib/net45/de/A.resources.dll": b"x", "content/readme.txt": b"x"})
    out = tmp_path / "out"
    with NupkgReader(path) as reader:
        assemblies = reader.extract_lib("net45", out)
    assert assemblies == (out / "Lib.dll",)  # satellites are extracted but not loaded
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == ["Lib.dll", "de/A.resources.dll"]


@pytest.mark.parametrize("entry", ["../evil.dll", "lib/net45/../../../evil.dll", "/etc/evil", "C:/evil.dll", "lib\\net45\\..\\..\\..\\evil.dll", "lib/net45/%2e%2e/%2e%2e/x.dll"])
def test_refuses_a_package_with_an_escaping_entry(tmp_path: Path, dll: Path, entry: str) -> None:
    path = build_nupkg(tmp_path, "A", "1.0.0", libs={"net45": [dll]}, extra_entries={entry: b"payload"})
    with pytest.raises(UnsafePackageError, match="outside") as info:
        NupkgReader(path)
    assert "refuses the whole package" in str(info.value)
    assert not (tmp_path / "evil.dll").exists()


def test_corrupt_and_cut_short_packages(tmp_path: Path, dll: Path) -> None:
    garbage = tmp_path / "garbage.nupkg"
    garbage.write_bytes(b"this is not a zip file")
    with pytest.raises(CorruptPackageError, match="not a readable .nupkg.*download it again"):
        NupkgReader(garbage)
    good = build_nupkg(tmp_path, "A", "1.0.0", libs={"net45": [dll]})
    cut = tmp_path / "cut.nupkg"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CorruptPackageError):
        NupkgReader(cut)


def test_a_zip_without_nuspec_is_not_a_package(tmp_path: Path) -> None:
    path = tmp_path / "x.nupkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lib/net45/a.dll", b"x")
    with NupkgReader(path) as reader, pytest.raises(CorruptPackageError, match="no .nuspec"):
        reader.nuspec()


def test_malformed_nuspec(tmp_path: Path) -> None:
    with pytest.raises(CorruptPackageError, match="not valid XML"):
        parse_nuspec(b"<package><metadata>")
    with pytest.raises(CorruptPackageError, match="lacks an id"):
        parse_nuspec(b"<package><metadata><version>1.0</version></metadata></package>")
