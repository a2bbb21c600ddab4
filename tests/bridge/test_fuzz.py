"""Random Python values into setters, constructors and methods of real .NET types.

Hypothesis draws batches of values (text with lone surrogates, numbers of any size, NaN,
bytes, None, nested lists and dicts of all of these); each batch goes to a child process
(``fuzz_child.py``) that hosts the runtime of this pass and hands every value to every
member it knows of Acme.Inventory and the look-alike client. A value .NET cannot take must
raise one of octoclr's errors; a crash of the child (Mono's FATAL UNHANDLED EXCEPTION, a
CoreCLR abort) fails the test as a crash, with the child's stderr.
"""

from __future__ import annotations

import decimal
import json
import os
import pickle
import subprocess
import sys
from typing import Any, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO

_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
_ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates included
_TEXT = st.one_of(
    st.text(_ANY_CHARACTER, max_size=12),
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=4), _SURROGATES, st.text(max_size=4)),
    st.sampled_from(["", "a-1", "Low", "Days", "Plenty, Low", "🎂", "http://localhost:1/", "API-X", "null"]),
)
_NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 255, 256, 2**15, 2**31 - 1, 2**31, -2**31 - 1, 2**63, 2**64, -2**64, 2**100]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)
_SCALARS = st.one_of(_TEXT, _NUMBERS, st.booleans(), st.none(), st.binary(max_size=8), st.datetimes(), st.timedeltas())
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.one_of(_TEXT, st.integers(), st.none()), inner, max_size=3)),
    max_leaves=8,
)

BATCH = 40


def _run_child(runtime_name: str, assemblies: List[str], values: List[Any]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bridge.fuzz_child", runtime_name, *assemblies],
        input=pickle.dumps(values), capture_output=True, cwd=str(REPO), timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        shown = "\n".join(repr(v)[:120] for v in values)
        pytest.fail(f"the child crashed (status {done.returncode}) on one of these values:\n{shown}\n--- stderr:\n{stderr[-4000:]}")
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def assemblies(runtime_name: str, lookalike_build, build_dir) -> List[str]:
    from tests.support.lookalike import build_acme

    return [str(p) for p in [*lookalike_build.assemblies(runtime_name), build_acme(build_dir)]]


def test_random_values_raise_octoclrs_errors_and_never_crash(runtime_name: str, assemblies: List[str]) -> None:
    batches: List[List[Any]] = []

    @settings(max_examples=3, deadline=None, database=None, derandomize=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
    @given(st.lists(VALUES, min_size=BATCH, max_size=BATCH))
    def draw(batch: List[Any]) -> None:
        batches.append(batch)

    draw()
    # The values that once ended the process go in every run, beside the random ones.
    batches[0] += ["x\ud800", {"k": ["\udcff"]}, 2**40, decimal.Decimal("1e40"), None, b"\xff", float("nan")]
    for batch in batches:
        report = _run_child(runtime_name, assemblies, batch)
        assert report["members"] > 60
        assert report["unexpected"] == [], json.dumps(report["unexpected"], indent=2)
        assert report["outcomes"].get("returned", 0) > 0  # values that fit went through
        assert report["outcomes"].get("InvalidTextError", 0) + report["outcomes"].get("ConversionError", 0) > 0
