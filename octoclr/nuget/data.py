"""The data the bootstrap works from: ``bootstrap/frameworks.json``.

The file lives once, in the checkout's ``bootstrap/`` folder, beside the entry script
that runs the bootstrap without installing octoclr. ``octoclr/_data/frameworks.json``
is a symbolic link to it, which setuptools resolves into a real file when it builds a
wheel (package data ``_data/*.json``). A checkout reads the original; an installed
package reads its copy.
"""

from __future__ import annotations

import fnmatch
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

from octoclr.errors import BootstrapError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
CANDIDATES = (
    _PACKAGE_DIR.parent / "bootstrap" / "frameworks.json",  # a checkout
    _PACKAGE_DIR / "_data" / "frameworks.json",  # an installed wheel
)


@lru_cache(maxsize=1)
def load() -> Dict[str, Any]:
    for path in CANDIDATES:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue  # e.g. a symbolic link checked out as a text file on Windows
        if isinstance(data, dict) and "runtimes" in data:
            return data
    raise BootstrapError(
        "The bootstrap data (frameworks.json) is missing from this octoclr installation "
        f"(looked at {', '.join(str(p) for p in CANDIDATES)}). Reinstall octoclr."
    )


def runtime_names() -> List[str]:
    return sorted(load()["runtimes"])


def runtime_profile(runtime: str) -> Dict[str, Any]:
    runtimes = load()["runtimes"]
    if runtime not in runtimes:
        raise BootstrapError(
            f"Unknown runtime {runtime!r}. Choose one of: {', '.join(sorted(runtimes))}."
        )
    return runtimes[runtime]


def provided_by_runtime(package_id: str, runtime: str) -> bool:
    """True for packages the runtime already carries (Microsoft.CSharp, System.*...): not fetched."""
    data = load()
    name = package_id.lower()
    if any(fnmatch.fnmatchcase(name, p.lower()) for p in data.get("not_provided", ())):
        return False
    patterns = data.get("provided_by_runtime", {}).get(runtime, ())
    return any(fnmatch.fnmatchcase(name, p.lower()) for p in patterns)


def known_package_notes(package_id: str) -> List[Dict[str, Any]]:
    notes = load().get("known_packages", {})
    for key, value in notes.items():
        if key.lower() == package_id.lower():
            return list(value)
    return []


def program_folder_settings() -> Dict[str, Any]:
    return dict(load()["program_folder"])


def default_source() -> str:
    return str(load()["default_source"])
