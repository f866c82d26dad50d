"""Writing Office packages (.docx, .xlsx): the one place remiss makes a zip file.

Every part gets the same fixed time stamp, so the same input gives the same bytes (tests
compare them, and a re-issued template is recognisably unchanged). Parts are deflated;
already-compressed ones (pictures) can be stored as they are, and one big part can be
streamed at a lower compression level instead of being held in memory twice.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import IO

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say


class ZipWriter:
    """A package being written into memory; `close()` returns its bytes.

    `start` appends to an existing package (its bytes are copied, never changed).
    """

    def __init__(self, start: bytes = b"", *, when: tuple[int, int, int, int, int, int] = FIXED_TIME) -> None:
        self._buffer = io.BytesIO(start)
        self._zip = zipfile.ZipFile(self._buffer, "a" if start else "w", zipfile.ZIP_DEFLATED)
        self._when = (max(when[0], 1980), *when[1:])

    def add(self, name: str, data: bytes, *, stored: bool = False) -> None:
        """One part; `stored` for data that is already compressed."""
        self._zip.writestr(self._info(name, stored=stored), data)

    def stream(self, name: str, level: int | None = None) -> IO[bytes]:
        """A part to write in pieces (close it before adding the next); `level` is zlib's 1-9."""
        info = self._info(name)
        if level is not None:
            if hasattr(info, "compress_level"):  # Python >= 3.13
                info.compress_level = level
            else:
                info._compresslevel = level  # type: ignore[attr-defined]
        return self._zip.open(info, "w")

    def close(self) -> bytes:
        self._zip.close()
        return self._buffer.getvalue()

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._zip.close()

    def _info(self, name: str, *, stored: bool = False) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._when)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return info


def zip_parts(parts: Mapping[str, bytes], start: bytes = b"") -> bytes:
    """A package of `parts` in the order given (after those of `start`, if any)."""
    writer = ZipWriter(start)
    for name, data in parts.items():
        writer.add(name, data)
    return writer.close()
