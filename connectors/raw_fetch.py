"""The result of fetching one source file, live or from the snapshot, before parsing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from connectors.snapshot import Snapshot


@dataclass(frozen=True)
class RawFetch:
    source: str
    mode: str  # "live", "snapshot", or "file" (a file dropped in a folder)
    url: str
    parameters: dict
    content: bytes
    http_status: int | None
    retrieved_at: str
    licence: str
    citation: str


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def live_fetch(response, source: str, parameters: dict, licence: str, citation: str) -> RawFetch:
    """The RawFetch of one live HTTP response; the URL is stored without secrets."""
    from connectors.provenance import redact_url

    return RawFetch(
        source=source,
        mode="live",
        url=redact_url(response.url),
        parameters=parameters,
        content=response.content,
        http_status=response.status_code,
        retrieved_at=utc_now_iso(),
        licence=licence,
        citation=citation,
    )


def from_snapshot(snapshot: Snapshot, relative_path: str) -> RawFetch:
    content, entry = snapshot.read(relative_path)
    return RawFetch(
        source=entry.source_id,
        mode="snapshot",
        url=entry.url,
        parameters={"snapshot_file": relative_path},
        content=content,
        http_status=None,
        retrieved_at=entry.retrieved_date,
        licence=entry.licence,
        citation=entry.citation,
    )
