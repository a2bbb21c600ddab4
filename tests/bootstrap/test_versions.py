from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from octoclr.nuget.versions import (
    ANY,
    InvalidVersion,
    InvalidVersionRange,
    NuGetVersion,
    VersionRange,
    parse_requirement,
)

V = NuGetVersion.parse


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("1.0.0", "1.0.1"),
        ("1.0.0-beta", "1.0.0"),
        ("1.0.0-alpha", "1.0.0-beta"),
        ("1.0.0-beta.2", "1.0.0-beta.10"),  # numeric labels compare as numbers
        ("1.0.0-beta.9", "1.0.0-beta.x"),  # numeric before alphanumeric
        ("1.0.0-beta", "1.0.0-beta.1"),
        ("4.5.2", "4.5.2.1"),
        ("8.2.0", "11.0.0"),
    ],
)
def test_ordering(lower: str, higher: str) -> None:
    assert V(lower) < V(higher)
    assert V(higher) > V(lower)


def test_equality_ignores_trailing_zeros_case_and_metadata() -> None:
    assert V("1.0") == V("1.0.0.0") == V("1.0.0+abc")
    assert V("1.0.0-Beta") == V("1.0.0-beta")
    assert len({V("1.0"), V("1.0.0")}) == 1
    assert V("1.0").normalized == "1.0.0"
    assert V("1.2.3.4").normalized == "1.2.3.4"
    assert V("22.0.0-beta").is_prerelease and not V("22.0.0").is_prerelease


@pytest.mark.parametrize("text", ["", "abc", "1.2.3.4.5", "1.0-", "1..0", "-1.0"])
def test_invalid_versions(text: str) -> None:
    with pytest.raises(InvalidVersion):
        V(text)


versions = st.builds(
    lambda parts, pre: ".".join(map(str, parts)) + (("-" + ".".join(pre)) if pre else ""),
    st.lists(st.integers(0, 50), min_size=1, max_size=4),
    st.lists(st.from_regex(r"[0-9a-z]{1,5}", fullmatch=True), max_size=3),
)


@given(versions)
def test_normalized_form_parses_to_the_same_version(text: str) -> None:
    assert V(V(text).normalized) == V(text)


@given(versions, versions)
def test_order_is_total_and_consistent(a: str, b: str) -> None:
    va, vb = V(a), V(b)
    assert (va < vb) + (va > vb) + (va == vb) == 1


def test_ranges_follow_nuget_notation() -> None:
    available = [V(v) for v in ("7.1.0", "8.2.0", "8.9.9", "9.0.0", "11.0.0", "22.0.0-beta")]
    assert VersionRange.parse("[8.0,9.0)").newest(available) == V("8.9.9")
    assert VersionRange.parse("[8.0,9.0]").newest(available) == V("9.0.0")
    assert VersionRange.parse("(,8.2.0]").filter(available) == [V("7.1.0"), V("8.2.0")]
    assert VersionRange.parse("(8.2.0,)").lowest(available) == V("8.9.9")
    assert VersionRange.parse("[8.2.0]").filter(available) == [V("8.2.0")]
    # A bare version in a .nuspec means "at least".
    assert VersionRange.parse("8.2.0").lowest(available) == V("8.2.0")
    assert VersionRange.parse("8.2.0").newest(available) == V("11.0.0")


def test_prereleases_only_when_asked_or_named() -> None:
    available = [V("11.0.0"), V("22.0.0-beta")]
    assert ANY.newest(available) == V("11.0.0")
    assert ANY.newest(available, prerelease=True) == V("22.0.0-beta")
    assert VersionRange.parse("[22.0.0-alpha,)").newest(available) == V("22.0.0-beta")
    assert parse_requirement("22.0.0-beta").newest(available) == V("22.0.0-beta")


def test_user_requirements() -> None:
    assert parse_requirement(None) is ANY
    assert parse_requirement("8.2.0").is_exact  # from a user, a bare version is exact
    assert parse_requirement("[8.0,9.0)").maximum == V("9.0")
    with pytest.raises(InvalidVersionRange, match=r"\[8.0,9.0\)"):
        parse_requirement("eight")


@pytest.mark.parametrize("text", ["[1.0", "[]", "[,]", "[2.0,1.0]", "(1.0)", "[1.0,2.0,3.0]", "[1.0,x]", "(1.0,1.0)"])
def test_invalid_ranges(text: str) -> None:
    with pytest.raises(InvalidVersionRange):
        VersionRange.parse(text)
