"""Compile C# with Mono's ``mcs`` for the target frameworks the tests pack.

There is no netstandard2.0 reference set that ``mcs`` can compile against (it cannot
resolve the facade's type forwards), so the ``netstandard2.0`` build is compiled against
Mono's 4.5 profile with ``NETSTANDARD2_0`` defined. Its references (``mscorlib``,
``System``...) resolve on CoreCLR through the framework's compatibility facades, which
is what the tests need: an assembly in ``lib/netstandard2.0`` that CoreCLR loads.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterable, Sequence

FRAMEWORK_DEFINES = {
    "net45": "NET45",
    "net452": "NET45;NET452",
    "net462": "NET45;NET462",
    "net48": "NET45;NET48",
    "netstandard2.0": "NETSTANDARD;NETSTANDARD2_0",
}


def mcs_available() -> bool:
    return shutil.which("mcs") is not None


def compile_library(
    sources: Sequence[Path],
    output: Path,
    *,
    framework: str = "net45",
    references: Iterable[Path | str] = (),
    assembly_version: str | None = None,
) -> Path:
    """Compile ``sources`` into the library ``output``; raise with mcs's own output on failure."""
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "mcs",
        "-target:library",
        "-sdk:4.5",
        "-nowarn:1591,0618,0649,0169,0414",
        "-debug-",
        "-optimize+",
        f"-define:{FRAMEWORK_DEFINES[framework]}",
        f"-out:{output}",
        "-r:System.dll",
        "-r:System.Core.dll",
        "-r:System.Net.Http.dll",
        "-r:System.Runtime.Serialization.dll",
        "-r:Microsoft.CSharp.dll",
    ]
    command += [f"-r:{r}" for r in references]
    sources = list(sources)
    if assembly_version:
        info = output.with_suffix(".AssemblyInfo.cs")
        info.write_text(f'[assembly: System.Reflection.AssemblyVersion("{assembly_version}")]\n')
        sources.append(info)
    command += [str(s) for s in sources]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"mcs failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return output
