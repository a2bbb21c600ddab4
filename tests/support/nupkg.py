"""Build .nupkg files for tests: a zip with a .nuspec, ``lib/<tfm>/`` folders and dependency groups.

``build_nupkg`` packs whatever files it is given; ``build_test_client`` compiles a small
look-alike ``Octopus.Client`` (one class, ``OctopusServerEndpoint``, that uses
Newtonsoft.Json) for ``net45`` and ``netstandard2.0`` with ``tests/support/csharp.py`` and
packs it at any version, depending on Newtonsoft.Json (both frameworks) and on
Microsoft.CSharp (netstandard2.0; the runtime provides it, so the bootstrap skips it).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple
from xml.sax.saxutils import escape, quoteattr

NEWTONSOFT_NUPKG = Path("/usr/share/nupkg/Newtonsoft.Json.6.0.8.nupkg")

Dependencies = Mapping[Optional[str], Sequence[Tuple[str, str]]]

CLIENT_SOURCE = """\
using System;
using Newtonsoft.Json.Linq;

namespace Octopus.Client
{
    public class OctopusServerEndpoint
    {
        public OctopusServerEndpoint(string octopusServerAddress, string apiKey)
        {
            if (string.IsNullOrEmpty(octopusServerAddress)) throw new ArgumentException("octopusServerAddress");
            OctopusServer = new Uri(octopusServerAddress);
            ApiKey = apiKey;
        }

        public Uri OctopusServer { get; private set; }
        public string ApiKey { get; private set; }

#if NETSTANDARD2_0
        public static string Flavour { get { return "netstandard2.0"; } }
#else
        public static string Flavour { get { return "net45"; } }
#endif

        public string ToJson()
        {
            var o = new JObject();
            o["server"] = OctopusServer.ToString();
            return o.ToString(Newtonsoft.Json.Formatting.None);
        }
    }
}
"""


def nuspec_xml(package_id: str, version: str, dependencies: Dependencies = None) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">',
        "  <metadata>",
        f"    <id>{escape(package_id)}</id>",
        f"    <version>{escape(version)}</version>",
        "    <authors>octoclr tests</authors>",
        "    <description>Built by the octoclr test suite.</description>",
    ]
    if dependencies:
        lines.append("    <dependencies>")
        for framework, deps in dependencies.items():
            attr = f" targetFramework={quoteattr(framework)}" if framework else ""
            lines.append(f"      <group{attr}>")
            for dep_id, dep_range in deps:
                lines.append(f"        <dependency id={quoteattr(dep_id)} version={quoteattr(dep_range)} />")
            lines.append("      </group>")
        lines.append("    </dependencies>")
    lines += ["  </metadata>", "</package>", ""]
    return "\n".join(lines)


def build_nupkg(
    output_dir: Path,
    package_id: str,
    version: str,
    *,
    libs: Mapping[str, Iterable[Path]] = None,
    dependencies: Dependencies = None,
    extra_entries: Mapping[str, bytes] = None,
    file_name: Optional[str] = None,
) -> Path:
    """Write ``<id>.<version>.nupkg`` (lower case, as feeds name them) into ``output_dir``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / (file_name or f"{package_id}.{version}.nupkg".lower())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{package_id}.nuspec", nuspec_xml(package_id, version, dependencies))
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        for framework, files in (libs or {}).items():
            for file in files:
                archive.write(file, f"lib/{framework}/{Path(file).name}")
        # Something a package may carry that must never run or be extracted.
        archive.writestr("tools/install.ps1", "throw 'install scripts must never run'\n")
        for name, content in (extra_entries or {}).items():
            archive.writestr(name, content)
    return path


def newtonsoft_dll(build_dir: Path) -> Path:
    """Newtonsoft.Json.dll from Debian's real package, to compile against."""
    target = build_dir / "newtonsoft" / "Newtonsoft.Json.dll"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(NEWTONSOFT_NUPKG) as archive:
            target.write_bytes(archive.read("lib/net45/Newtonsoft.Json.dll"))
    return target


def compile_test_client(build_dir: Path) -> Dict[str, Path]:
    """``{tfm: Octopus.Client.dll}`` for net45 and netstandard2.0 (compiled once per folder)."""
    from tests.support.csharp import compile_library

    source = build_dir / "client-src" / "OctopusServerEndpoint.cs"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(CLIENT_SOURCE)
    reference = newtonsoft_dll(build_dir)
    built = {}
    for framework in ("net45", "netstandard2.0"):
        output = build_dir / "client" / framework / "Octopus.Client.dll"
        if not output.exists():
            compile_library([source], output, framework=framework, references=[reference], assembly_version="1.0.0.0")
        built[framework] = output
    return built


def client_dependencies(newtonsoft_range: str = "[6.0.8, )") -> Dict[Optional[str], List[Tuple[str, str]]]:
    return {
        ".NETFramework4.5": [("Newtonsoft.Json", newtonsoft_range)],
        ".NETStandard2.0": [("Newtonsoft.Json", newtonsoft_range), ("Microsoft.CSharp", "4.7.0")],
    }


def build_test_client(output_dir: Path, version: str, dlls: Mapping[str, Path], **options: object) -> Path:
    return build_nupkg(
        output_dir,
        "Octopus.Client",
        version,
        libs={framework: [dll] for framework, dll in dlls.items()},
        dependencies=options.pop("dependencies", None) or client_dependencies(),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
