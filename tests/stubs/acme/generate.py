"""Generate stubs for an assembly unrelated to Octopus: python generate.py RUNTIME DLL OUT."""

import sys
from pathlib import Path

import octoclr.runtime
import octoclr.stubs as stubs

octoclr.runtime.start(sys.argv[1])
assembly = octoclr.runtime.load_assemblies([Path(sys.argv[2])])[-1]
stubs.generate(sys.argv[3], [assembly], "Acme.Inventory", "1.2.0")
