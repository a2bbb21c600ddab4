"""Package files made during the run, for the built-in feed's tests: NuGet, zip and tar."""

from __future__ import annotations

import io
import tarfile
import zipfile
from typing import Optional


def nupkg(package_id: str, version: str, payload: bytes = b"", *, release_notes: Optional[str] = None,
          title: Optional[str] = None) -> bytes:
    """A NuGet package whose .nuspec names ``package_id`` and ``version``; ``payload`` is one file in it."""
    notes = f"<releaseNotes>{release_notes}</releaseNotes>" if release_notes else ""
    titled = f"<title>{title}</title>" if title else ""
    nuspec = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>'
        f"<id>{package_id}</id><version>{version}</version>{titled}<authors>tests</authors>"
        f"<description>The {package_id} package</description>{notes}</metadata></package>"
    )
    return _zip({f"{package_id}.nuspec": nuspec.encode(), "content/payload.bin": payload})


def zip_package(payload: bytes = b"hello") -> bytes:
    return _zip({"payload.bin": payload})


def tar_package(payload: bytes = b"hello", compression: str = "gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}") as archive:
        info = tarfile.TarInfo("payload.bin")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    # Stored, not deflated: a change in the payload then changes only its own bytes, as deltas expect.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    return buffer.getvalue()
