"""Loading assemblies: a reference to another version of a dependency resolves to the one we have."""

from __future__ import annotations

import json

import pytest

from tests.support.csharp import compile_library, mcs_available

pytestmark = pytest.mark.skipif(not mcs_available(), reason="needs Mono's mcs to build test assemblies")

GREETER = """
namespace Greeting {{ public static class Greeter {{ public static string Hello(string who) {{ return "{word}, " + who; }} }} }}
"""
CALLER = """
namespace Calling { public static class Caller { public static string Greet() { return Greeting.Greeter.Hello("octoclr"); } } }
"""


@pytest.fixture(scope="module")
def redirected(tmp_path_factory):
    """Caller.dll built against Greeting 1.0.0.0, and a Greeting 2.0.0.0 to load beside it."""
    root = tmp_path_factory.mktemp("redirect")
    (root / "v1.cs").write_text(GREETER.format(word="Hi"))
    (root / "v2.cs").write_text(GREETER.format(word="Hello"))
    (root / "caller.cs").write_text(CALLER)
    old = compile_library([root / "v1.cs"], root / "v1" / "Greeting.dll", assembly_version="1.0.0.0")
    caller = compile_library([root / "caller.cs"], root / "app" / "Calling.dll", references=[old])
    new = compile_library([root / "v2.cs"], root / "app" / "Greeting.dll", assembly_version="2.0.0.0")
    return caller, new


def test_reference_to_an_older_version_resolves_to_the_loaded_one(python, runtime_name, redirected):
    caller, greeting = redirected
    result = python(
        f"""
        import json, octoclr.runtime as r
        r.start({runtime_name!r})
        assemblies = r.load_assemblies([{str(greeting)!r}, {str(caller)!r}])
        from Calling import Caller
        print(json.dumps({{"greeting": Caller.Greet(), "names": [a.GetName().Name for a in assemblies]}}))
        """
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out == {"greeting": "Hello, octoclr", "names": ["Greeting", "Calling"]}


def test_missing_assembly_file_is_a_clear_error(python, runtime_name, tmp_path):
    result = python(
        f"""
        import octoclr.runtime as r
        from octoclr.errors import RuntimeLoadError
        try:
            r.load_assemblies([{str(tmp_path / 'Nope.dll')!r}])
        except RuntimeLoadError as exc:
            print(exc)
        """,
        env={"OCTOCLR_RUNTIME": runtime_name},
    )
    assert result.returncode == 0, result.stderr
    assert "Nope.dll does not exist" in result.stdout and "octoclr bootstrap" in result.stdout


def test_a_file_that_is_not_an_assembly_is_a_clear_error(python, runtime_name, tmp_path):
    bogus = tmp_path / "Bogus.dll"
    bogus.write_bytes(b"MZ not really")
    result = python(
        f"""
        import octoclr.runtime as r
        from octoclr.errors import RuntimeLoadError
        try:
            r.load_assemblies([{str(bogus)!r}])
        except RuntimeLoadError as exc:
            print(exc)
        """,
        env={"OCTOCLR_RUNTIME": runtime_name},
    )
    assert result.returncode == 0, result.stderr
    assert "Could not load Bogus.dll" in result.stdout and "delete it from the cache" in result.stdout
