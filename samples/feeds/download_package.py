"""Download a package from the built-in feed into a folder.

Twin of the OctopusDeploy-Api sample "Download package": ``BuiltInPackageRepository.GetPackage``
gives the package and its ``Raw`` link, which is fetched with the API key in the
``X-Octopus-ApiKey`` header. Arguments: package id, version and folder (defaults:
"Samples.Hello", "1.0.0" and the current folder).
"""

import sys
from pathlib import Path

import httpx

from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    package_id = sys.argv[1] if len(sys.argv) > 1 else "Samples.Hello"
    version = sys.argv[2] if len(sys.argv) > 2 else "1.0.0"
    folder = Path(sys.argv[3]) if len(sys.argv) > 3 else Path.cwd()
    with octopus_target() as target:
        _, repository = space_repository(target)
        package = repository.built_in_package_repository.get_package(package_id, version)
        raw = str(package.links["Raw"])
        target_file = folder / f"{package_id}.{version}{package.file_extension}"
        with httpx.Client(base_url=target.url.rstrip("/"), headers={"X-Octopus-ApiKey": target.api_key or ""}) as http:
            response = http.get(raw)
            response.raise_for_status()
            target_file.write_bytes(response.content)
        print(f"Downloaded file to {target_file} ({target_file.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
