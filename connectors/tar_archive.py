"""Reading a tar archive (gzip-compressed or plain) that a source sent, which is untrusted input.

The archive is never extracted to disk: its regular members are read into memory by name. It is
decompressed in bounded steps, so the whole archive after decompression may not exceed the
``ARCHIVE_BYTES`` limit (a gzip bomb stops there). A member whose name is absolute or climbs out
with ``..`` is refused, whatever it holds, and so is a link, device or FIFO among the members a
caller asks for (a link would make one name read another member's bytes).
"""

from __future__ import annotations

import io
import tarfile
import zlib
from pathlib import PurePosixPath

from connectors.errors import SourceError
from connectors.limits import ARCHIVE_BYTES, LimitExceeded

GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_STEP_BYTES = 1024 * 1024


def read_members(source: str, content: bytes, wanted) -> dict[str, bytes]:
    """``{member name: bytes}`` of the regular members for which ``wanted(name)`` is true, in the
    archive's order. Every member name is checked, wanted or not."""
    tar_bytes = _decompressed(source, content)
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as archive:
            members = archive.getmembers()
            for member in members:
                _refuse_escaping_name(source, member.name)
            chosen = [member for member in members if wanted(member.name)]
            for member in chosen:
                if not member.isfile():
                    raise SourceError(source, f"archive member {member.name} is not a regular file "
                                              f"({_kind(member)}): refused")
            return {member.name: archive.extractfile(member).read() for member in chosen}
    except tarfile.TarError as error:
        raise SourceError(source, f"the answer is not a readable tar archive ({type(error).__name__}: {error})") from None


def _decompressed(source: str, content: bytes) -> bytes:
    """The tar bytes: ``content`` itself, or its gzip stream inflated to at most the limit."""
    limit = int(ARCHIVE_BYTES.value(source))
    if not content.startswith(GZIP_MAGIC):
        if len(content) > limit:
            raise LimitExceeded(source, ARCHIVE_BYTES, f"the tar archive holds {len(content):,} bytes", limit)
        return content
    inflater = zlib.decompressobj(_GZIP_WBITS)
    chunks, size, pending = [], 0, content
    try:
        while not inflater.eof:
            # Inflate a step at a time, never more than one byte past the limit in all.
            chunk = inflater.decompress(pending, min(_STEP_BYTES, limit + 1 - size))
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break  # input used up before the stream's end
            size += len(chunk)
            chunks.append(chunk)
            if size > limit:
                raise LimitExceeded(source, ARCHIVE_BYTES, "the gzip-compressed archive (decompressed)", limit)
    except zlib.error as error:
        raise SourceError(source, f"the answer is not a readable gzip stream ({error})") from None
    if not inflater.eof:
        raise SourceError(source, f"truncated gzip stream: it ended after {size:,} decompressed bytes")
    return b"".join(chunks)


def _refuse_escaping_name(source: str, name: str) -> None:
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise SourceError(source, f"archive member {name!r} has an absolute path: refused")
    if ".." in path.parts or ".." in name.split("\\"):
        raise SourceError(source, f"archive member {name!r} climbs out of the archive with '..': refused")


def _kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return f"a symbolic link to {member.linkname!r}"
    if member.islnk():
        return f"a hard link to {member.linkname!r}"
    if member.isdir():
        return "a folder"
    return "a device or FIFO"
