"""``octoclr stubs``: stubs generated from the look-alike client, then mypy on user scripts.

The scripts in ``scripts/`` carry their expectations as comments, in mypy's own test
style: ``# E: message  [code]`` for an error on that line, ``# N: message`` for a note
(``reveal_type``); a script without any must pass. The samples in ``samples/`` must pass too.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

from octoclr.stubs import MARKER
from tests.cli.support import environment, run_octoclr
from tests.samples.harness import Finished

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
REPO = HERE.parent.parent
SAMPLES = REPO / "samples"
LOOKALIKE_SOURCES = REPO / "tests" / "lookalike" / "Octopus.Client"

_EXPECTATION = re.compile(r"#\s*([EN]):\s*(.+?)\s*$")
_MYPY_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<severity>error|note): (?P<message>.*)$")


@pytest.fixture(scope="module")
def generated(runtime_name: str, lookalike_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Path, Dict[str, str]]]:
    """Stubs written by ``octoclr stubs --out DIR`` in a fresh process, and that process's environment."""
    base = tmp_path_factory.mktemp("stubs")
    env = environment(runtime_name, lookalike_source, base / "cache")
    out = base / "out"
    finished = run_octoclr("stubs_cmd", ["stubs", "--out", str(out)], env, base)
    assert finished.returncode == 0, finished.explain()
    assert str(out) in finished.stdout
    yield out, env


def mypy(stubs: Path, files: List[Path], cwd: Path, *options: str) -> List[Tuple[str, int, str, str]]:
    """Run mypy with ``stubs`` on MYPYPATH; (file name, line, severity, message) for each finding."""
    env = dict(os.environ, MYPYPATH=str(stubs))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--show-error-codes", "--cache-dir", str(cwd / ".mypy_cache"), *options, *map(str, files)],
        cwd=str(cwd), env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode in (0, 1), f"mypy crashed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    findings = []
    for line in done.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        assert match, f"unexpected mypy output: {line}\n{done.stdout}"
        findings.append((Path(match["path"]).name, int(match["line"]), match["severity"], match["message"].replace("builtins.", "")))
    return findings


def expectations(script: Path) -> Set[Tuple[str, int, str, str]]:
    found = set()
    for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECTATION.search(line)
        if match:
            found.add((script.name, number, "error" if match[1] == "E" else "note", match[2]))
    return found


def test_stubs_command_is_registered() -> None:
    import octoclr.cli

    assert "stubs_cmd" in octoclr.cli.COMMAND_MODULES, "add 'stubs_cmd' to COMMAND_MODULES in octoclr/cli/__init__.py"


def test_a_module_per_namespace_of_the_client(generated: Tuple[Path, Dict[str, str]]) -> None:
    out, _ = generated
    namespaces = set()
    for source in LOOKALIKE_SOURCES.glob("*.cs"):
        namespaces.update(re.findall(r"^namespace\s+([\w.]+)", source.read_text(encoding="utf-8"), re.MULTILINE))
    assert namespaces
    for namespace in namespaces:
        module = out / "octoclr" / "_dotnet" / Path(*namespace.split(".")) / "__init__.pyi"
        assert module.is_file(), f"no stub module for {namespace}"
        assert module.read_text(encoding="utf-8").startswith(MARKER)
    init = (out / "octoclr" / "__init__.pyi").read_text(encoding="utf-8")
    assert init.startswith(MARKER)
    assert "def __getattr__" not in init  # a misspelt top-level name must be an error


def test_every_member_documents_its_dotnet_signature(generated: Tuple[Path, Dict[str, str]]) -> None:
    out, _ = generated
    undocumented = []
    documented = 0
    for module in (out / "octoclr" / "_dotnet").rglob("*.pyi"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("__") and not _is_setter(node):
                if ast.get_docstring(node):
                    documented += 1
                else:
                    undocumented.append(f"{module.name}:{node.lineno} {node.name}")
    assert documented > 100
    assert not undocumented
    text = (out / "octoclr" / "_dotnet" / "Octopus" / "Client" / "Repositories" / "__init__.pyi").read_text(encoding="utf-8")
    assert '"""TResource Get(string idOrHref)"""' in text
    assert '"""List<TResource> Get(params string[] ids)"""' in text


def _is_setter(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in node.decorator_list)


def test_correct_scripts_and_the_samples_pass_mypy(generated: Tuple[Path, Dict[str, str]], tmp_path: Path) -> None:
    out, _ = generated
    scripts = [p for p in SCRIPTS.glob("*.py") if not expectations(p)]
    samples = sorted(SAMPLES.glob("*.py"))
    assert scripts
    assert mypy(out, scripts, tmp_path, "--strict") == []
    if samples:
        assert mypy(out, samples, tmp_path) == []


def test_mistakes_fail_with_the_expected_mypy_errors(generated: Tuple[Path, Dict[str, str]], tmp_path: Path) -> None:
    out, _ = generated
    scripts = [p for p in SCRIPTS.glob("*.py") if expectations(p)]
    expected = set().union(*(expectations(p) for p in scripts))
    assert any(e[2] == "error" for e in expected) and any(e[2] == "note" for e in expected)
    found = mypy(out, scripts, tmp_path)
    # Follow-up notes (overload variants, "defined in") are mypy's explanation, not findings.
    found_set = {f for f in found if f[2] == "error" or f[3].startswith("Revealed type")}
    assert found_set == expected


def test_generation_is_deterministic_and_never_replaces_a_foreign_folder(generated: Tuple[Path, Dict[str, str]], tmp_path: Path) -> None:
    out, env = generated
    dotnet = out / "octoclr" / "_dotnet"  # what reflection writes (the rest is stubgen on octoclr's source)
    before = {p.relative_to(out): p.read_bytes() for p in dotnet.rglob("*.pyi")}
    finished = run_octoclr("stubs_cmd", ["stubs", "--out", str(out)], env, tmp_path)
    assert finished.returncode == 0, finished.explain()
    after = {p.relative_to(out): p.read_bytes() for p in dotnet.rglob("*.pyi")}
    assert after == before

    foreign = tmp_path / "foreign"
    (foreign / "octoclr").mkdir(parents=True)
    (foreign / "octoclr" / "__init__.pyi").write_text("# my own stubs\n")
    finished = run_octoclr("stubs_cmd", ["stubs", "--out", str(foreign)], env, tmp_path)
    assert finished.returncode == 2, finished.explain()
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("octoclr: error: ") and "--out" in lines[0]
    assert (foreign / "octoclr" / "__init__.pyi").read_text() == "# my own stubs\n"
    assert [p.name for p in foreign.iterdir()] == ["octoclr"]  # nothing left behind


def test_stubs_for_a_library_unrelated_to_octopus(runtime_name: str, build_dir: Path, tmp_path: Path) -> None:
    """The generator knows no Octopus type: an unrelated library gets stubs just as precise."""
    from tests.support.csharp import mcs_available
    from tests.support.lookalike import build_acme

    if not mcs_available():
        pytest.skip("mcs (mono-devel) is needed to build Acme.Inventory")
    dll = build_acme(build_dir)
    out = tmp_path / "stubs"
    done = subprocess.run(
        [sys.executable, str(HERE / "acme" / "generate.py"), runtime_name, str(dll), str(out)],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "octoclr" / "_dotnet" / "Acme" / "Inventory" / "__init__.pyi").is_file()
    script = HERE / "acme" / "inventory_script.py"
    found = {f for f in mypy(out, [script], tmp_path) if f[2] == "error" or f[3].startswith("Revealed type")}
    assert found == expectations(script)
