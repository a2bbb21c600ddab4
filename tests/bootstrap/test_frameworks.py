from __future__ import annotations

import pytest

from octoclr.nuget.frameworks import (
    FrameworkTarget,
    InvalidFramework,
    RuntimeTarget,
    is_compatible,
    parse_framework,
)


@pytest.mark.parametrize(
    "text, short",
    [
        ("net45", "net45"),
        ("net4.5", "net45"),
        ("NET452", "net452"),
        (".NETFramework4.5", "net45"),
        (".NETFramework,Version=v4.7.2", "net472"),
        ("netstandard2.0", "netstandard2.0"),
        (".NETStandard2.0", "netstandard2.0"),
        ("netstandard20", "netstandard2.0"),
        ("netcoreapp3.1", "netcoreapp3.1"),
        ("net6.0", "net6.0"),
        ("net6.0-windows", "net6.0-windows"),
    ],
)
def test_parse(text: str, short: str) -> None:
    assert parse_framework(text).short_name == short


def test_unknown_monikers() -> None:
    assert parse_framework("portable-net45+win8").family == "other"
    with pytest.raises(InvalidFramework, match="net48"):
        parse_framework("java8")


FULL = ["net45", "net452", "net462", "net48", "netstandard2.0", "netstandard1.3"]


@pytest.mark.parametrize("runtime", ["mono", "netfx"])
def test_mono_and_netfx_take_the_newest_net4x_folder(runtime: str) -> None:
    target = RuntimeTarget(runtime)
    assert target.choose(FULL).folder == "net48"
    assert target.choose(["net45", "net452", "netstandard2.0"]).folder == "net452"
    assert target.choose(["net45", "net5.0"]).folder == "net45"
    assert target.choose(["netstandard2.0", "netstandard1.3"]).folder == "netstandard2.0"
    assert target.choose(["net6.0", "portable-net45+win8"]) is None


def test_coreclr_takes_netstandard_and_falls_back_to_net4x_with_a_flag() -> None:
    target = RuntimeTarget("coreclr")
    choice = target.choose(FULL)
    assert choice.folder == "netstandard2.0" and not choice.fallback
    fallback = target.choose(["net45"])
    assert fallback.folder == "net45" and fallback.fallback
    assert target.choose(["net40", "net462"]).folder == "net462"
    assert target.choose(["netstandard2.1"]) is None


def test_an_explicit_framework_takes_the_nearest_compatible_folder() -> None:
    assert FrameworkTarget("net48").choose(["net45", "netstandard2.0"]).folder == "net45"
    assert FrameworkTarget("net461").choose(["net462", "netstandard2.0"]).folder == "netstandard2.0"
    assert FrameworkTarget("netcoreapp3.1").choose(["net45", "netstandard2.0"]).folder == "netstandard2.0"
    assert FrameworkTarget("net40").choose(["net45", "netstandard2.0"]) is None
    assert FrameworkTarget("net45").key == "framework:net45"


def test_compatibility_table() -> None:
    f = parse_framework
    assert is_compatible(f("net461"), f("netstandard2.0"))
    assert not is_compatible(f("net45"), f("netstandard2.0"))
    assert is_compatible(f("net45"), f("netstandard1.1"))
    assert not is_compatible(f("netstandard2.0"), f("net45"))
    assert is_compatible(f("net6.0"), f("netstandard2.1"))


def test_dependency_group_for_the_chosen_folder() -> None:
    target = RuntimeTarget("mono")
    groups = [".NETFramework4.5", ".NETStandard2.0", None]
    assert target.choose_group(groups, parse_framework("net48")) == 0
    assert target.choose_group(groups, parse_framework("netstandard2.0")) == 1
    assert target.choose_group([".NETStandard2.0", None], parse_framework("net45")) == 1
    assert target.choose_group([".NETStandard2.0"], parse_framework("net40")) is None
