"""Errors a connector raises, each naming the source (and the field, for schema drift)."""

from __future__ import annotations


class SourceError(RuntimeError):
    """A fetch or parse failed for ``source``."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"[{source}] {message}")


class SchemaDriftError(SourceError):
    """The source's response no longer has the shape the parser expects (missing/renamed field, unit)."""

    def __init__(self, source: str, field: str, message: str):
        self.field = field
        super().__init__(source, f"schema drift in field '{field}': {message}")


class HttpStatusError(SourceError):
    """The source answered with a non-200 status after retries. ``body`` keeps the answer's bytes so a
    connector can quote a source's own error envelope; the message never includes them."""

    def __init__(self, source: str, message: str, status: int, body: bytes):
        self.status = status
        self.body = body
        super().__init__(source, message)
