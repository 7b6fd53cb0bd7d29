"""Errors a connector raises, each naming the source (and the field, for schema drift).

Every message (and every note added to it) is scrubbed of active API keys when the error is made,
so whatever quotes it (the run log, Dagster's event log, the CLI) cannot carry a key a server echoed.
"""

from __future__ import annotations

from connectors.credentials import scrub


class SourceError(RuntimeError):
    """A fetch or parse failed for ``source``."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(scrub(f"[{source}] {message}"))

    def add_note(self, note: str) -> None:
        super().add_note(scrub(note))


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
