#!/usr/bin/env python3
"""Run the octoclr bootstrap straight from a checkout, without installing octoclr.

    python bootstrap/octoclr-bootstrap.py [--version V|RANGE] [--source S] [--runtime R] ...

Takes the same options as ``octoclr bootstrap``. Needs Python 3.9+ with httpx,
platformdirs and filelock importable (pythonnet is not needed: nothing is loaded into
.NET here). Useful on hosts where installing packages is not wanted, for example to
fill the cache before a PowerShell script uses ``--print-powershell`` output.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
NEEDED = ("httpx", "platformdirs", "filelock")


def _check_requirements() -> None:
    if sys.version_info < (3, 9):
        sys.exit("octoclr-bootstrap: Python 3.9 or newer is needed.")
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        sys.exit(
            f"octoclr-bootstrap: missing Python packages: {', '.join(missing)}. "
            f"Install them with: {Path(sys.executable).name} -m pip install {' '.join(missing)}"
        )


def _import_checkout_package() -> None:
    """Make ``octoclr`` importable from the checkout without running ``octoclr/__init__.py``,
    which would import the .NET hosting (pythonnet) that the bootstrap does not need."""
    package_dir = CHECKOUT / "octoclr"
    if not (package_dir / "bootstrapper.py").is_file():
        sys.exit(f"octoclr-bootstrap: {package_dir} is not an octoclr checkout.")
    sys.path.insert(0, str(CHECKOUT))
    package = types.ModuleType("octoclr")
    package.__path__ = [str(package_dir)]  # type: ignore[attr-defined]
    package.__file__ = str(package_dir / "__init__.py")
    package.__version__ = _version(package_dir)  # type: ignore[attr-defined]
    sys.modules["octoclr"] = package


def _version(package_dir: Path) -> str:
    for line in (package_dir / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    return "0"


def main(argv: list[str] | None = None) -> int:
    _check_requirements()
    _import_checkout_package()
    import argparse
    import logging

    from octoclr import errors
    from octoclr.cli import bootstrap_cmd

    parser = argparse.ArgumentParser(prog="octoclr-bootstrap", description="Fetch Octopus.Client into the octoclr cache.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the bootstrap does")
    subparsers = parser.add_subparsers(dest="command")
    bootstrap_cmd.register(subparsers)
    args = parser.parse_args(["bootstrap", *(sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(format="octoclr: %(message)s", level=logging.DEBUG if args.debug else logging.INFO if args.verbose else logging.WARNING)
    try:
        return int(args.handler(args) or 0)
    except errors.OctoclrError as exc:
        if args.debug:
            raise
        from octoclr.secrets import redact

        print(f"octoclr-bootstrap: error: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
