"""Maintaining the embedded snapshot's manifest: add or refresh the entry of one file.

    python -m connectors.snapshot_manifest add comtrade/x.json --source-id comtrade_monthly \\
        --url URL --licence ... --citation ... --trust ... [--notes ...] [--partitions 2024-11 2024-12]

The sha256 and byte count are computed from the file, so an entry can never disagree with its
bytes. Re-running ``add`` on a listed path updates it in place (keeping fields not given).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import date
from pathlib import Path

from connectors.snapshot import MANIFEST_NAME
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

FIELDS = ("source_id", "url", "source_release", "licence", "citation", "trust", "notes")


def add_entry(snapshot_dir: Path, relative_path: str, **fields) -> dict:
    manifest_path = snapshot_dir / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    content = (snapshot_dir / relative_path).read_bytes()
    existing = next((entry for entry in manifest["files"] if entry["path"] == relative_path), None)
    entry = existing if existing is not None else {"path": relative_path}
    entry.update({name: value for name, value in fields.items() if value is not None})
    for name in FIELDS:
        entry.setdefault(name, "")
    entry.setdefault("retrieved_date", date.today().isoformat())
    entry["sha256"] = hashlib.sha256(content).hexdigest()
    entry["bytes"] = len(content)
    if existing is None:
        manifest["files"].append(entry)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return entry


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m connectors.snapshot_manifest")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add or refresh one file's entry")
    add.add_argument("path", help="path relative to the snapshot dir")
    add.add_argument("--snapshot-dir", type=Path, default=DEFAULT_SNAPSHOT_DIR)
    for name in FIELDS:
        add.add_argument(f"--{name.replace('_', '-')}", dest=name)
    add.add_argument("--retrieved-date", dest="retrieved_date")
    add.add_argument("--partitions", nargs="*", default=None)
    args = parser.parse_args(argv)
    fields = {name: getattr(args, name) for name in (*FIELDS, "retrieved_date", "partitions")}
    entry = add_entry(args.snapshot_dir, args.path, **fields)
    print(json.dumps(entry, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
