"""Push a package file to the space's built-in feed.

Twin of the OctopusDeploy-Api sample "Push package": open the file as a .NET
``FileStream`` and hand it to ``BuiltInPackageRepository.PushPackage``. The client tries
a delta against the nearest version the server holds first, and falls back to the whole
file. Give the file as the first argument; without one, a small ``Samples.Hello.1.0.0.zip``
is made in a temporary folder. ``--overwrite`` replaces a version that is already there.
"""

import io
import sys
import tempfile
import zipfile
from pathlib import Path

import octoclr
from octoclr.target import octopus_target

from _common import space_repository


def example_package() -> Path:
    path = Path(tempfile.mkdtemp()) / "Samples.Hello.1.0.0.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "Hello from octoclr\n")
    path.write_bytes(buffer.getvalue())
    return path


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--overwrite"]
    package_file = Path(args[0]) if args else example_package()
    mode = octoclr.model.OverwriteMode
    overwrite = mode.OverwriteExisting if "--overwrite" in sys.argv else mode.FailIfExists
    with octopus_target() as target:
        _, repository = space_repository(target)
        system_io = octoclr.namespace("System.IO")
        stream = system_io.FileStream(str(package_file), system_io.FileMode.Open)
        try:
            package = repository.built_in_package_repository.push_package(str(package_file), stream, overwrite)
        finally:
            stream.close()
        print(f"Pushed {package.package_id} {package.version} ({package.package_size_bytes} bytes, SHA1 {package.hash})")


if __name__ == "__main__":
    main()
