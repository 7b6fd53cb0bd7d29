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
