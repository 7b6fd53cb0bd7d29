"""The ``greenbridge`` command line.

``greenbridge refresh [--live] [--snapshot-dir DIR] [--data-dir DIR]`` materializes every asset
in-process with the same Definitions the Dagster UI loads, prints progress per asset and a summary,
and exits non-zero when a step or a blocking check fails.
"""

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

from warehouse.paths import DEFAULT_DATA_DIR, DEFAULT_SNAPSHOT_DIR

EXIT_OK = 0
EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="greenbridge", description="Belt and Road vehicle life-cycle carbon footprints.")
    commands = parser.add_subparsers(dest="command", required=True)
    refresh = commands.add_parser("refresh", help="run the full refresh: sources -> dbt -> checks -> Parquet")
    refresh.add_argument("--live", action="store_true", help="call the live APIs instead of the embedded snapshot")
    refresh.add_argument("--snapshot-dir", type=Path, default=None,
                         help=f"snapshot to read offline (default: {DEFAULT_SNAPSHOT_DIR})")
    refresh.add_argument("--data-dir", type=Path, default=None,
                         help=f"data root for the warehouse and published Parquet (default: ./{DEFAULT_DATA_DIR})")
    return parser


def refresh(live: bool, snapshot_dir: Path | None, data_dir: Path | None) -> int:
    from orchestration.build import build_defs
    from orchestration.progress import progress_logger, set_progress_stream, summarise
    from orchestration.settings import Settings

    defaults = Settings.from_env()
    settings = Settings(
        data_dir=(data_dir or defaults.data_dir).resolve(),
        snapshot_dir=(snapshot_dir or defaults.snapshot_dir).resolve(),
        live=live or defaults.live,
    )
    print(f"greenbridge refresh: {'live APIs' if settings.live else f'snapshot {settings.snapshot_dir}'} -> data dir {settings.data_dir}")
    started = time.monotonic()
    defs = build_defs(settings, loggers={"progress": progress_logger})
    job = defs.resolve_job_def("refresh_all")
    log_path = settings.data_dir / "logs" / f"refresh-{time.strftime('%Y%m%dT%H%M%S')}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    set_progress_stream(sys.stdout)
    try:
        # dbt and the libraries print their own detail; it goes to the run log, progress to the console.
        with open(log_path, "w") as log, contextlib.redirect_stdout(log):
            result = job.execute_in_process(raise_on_error=False, run_config={"loggers": {"progress": {}}})
    finally:
        set_progress_stream(None)
    summary = summarise(result, time.monotonic() - started)
    print(summary.render())
    print(f"  full log: {log_path}")
    print(f"  published Parquet: {settings.data_dir / 'published'}")
    return EXIT_FAILED if summary.failed else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("DAGSTER_DBT_TERMINATION_TIMEOUT_SECONDS", "25")
    if args.command == "refresh":
        return refresh(args.live, args.snapshot_dir, args.data_dir)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
