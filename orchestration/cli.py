"""The ``greenbridge`` command line.

``greenbridge refresh [--live] [--snapshot-dir DIR] [--data-dir DIR]`` lands every source (each
partitioned source over its default partitions: offline, every partition the snapshot holds; live,
the newest few), then rebuilds the dbt models, runs the checks and publishes Parquet, with the same
Definitions the Dagster UI loads. It prints progress per step and a summary, and exits non-zero when
a step or a blocking check fails; a failed source stops the refresh before anything is published.

``greenbridge refresh --select raw/comtrade__china_car_exports --partition 2024-10..2024-12`` (or
``greenbridge backfill raw/comtrade__china_car_exports 2024-10..2024-12``) lands just that range.
Runs are recorded in the data dir's Dagster instance (``<data>/dagster/``, or ``DAGSTER_HOME`` when
set: orchestration/instance.py), which ``make dagster`` opens, so they show in the UI.

``greenbridge footprint --spec FILE.json --market ISO3 --year YYYY [--lifetime-km N] [--json]``
computes one vehicle that is not in the catalogue with the same dbt method, against the reference
data of the last publication; ``--specs FILE.jsonl|.csv|.parquet [--out FILE]`` computes a batch
(orchestration/calculator/).
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
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="greenbridge", description="Belt and Road vehicle life-cycle carbon footprints.")
    commands = parser.add_subparsers(dest="command", required=True)
    refresh = commands.add_parser("refresh", help="run the full refresh: sources -> dbt -> checks -> Parquet")
    _add_run_options(refresh)
    refresh.add_argument("--select", nargs="+", metavar="ASSET_KEY", default=None,
                         help="only these assets, e.g. raw/comtrade__china_car_exports (default: everything)")
    refresh.add_argument("--partition", metavar="KEY[..KEY]", default=None,
                         help="with --select of a partitioned source: one partition (2024-12) or a range (2024-10..2024-12)")
    backfill = commands.add_parser("backfill", help="land a range of partitions of one partitioned source")
    backfill.add_argument("asset_key", help="e.g. raw/comtrade__china_car_exports")
    backfill.add_argument("partitions", metavar="KEY[..KEY]", help="e.g. 2024-10..2024-12")
    _add_run_options(backfill)
    footprint = commands.add_parser("footprint", help="footprint of vehicle specs in a market and year: one (--spec) or a batch (--specs)")
    specs = footprint.add_mutually_exclusive_group(required=True)
    specs.add_argument("--spec", type=Path, default=None, help="one vehicle spec, a JSON file (see README)")
    specs.add_argument("--specs", type=Path, default=None,
                       help="a batch of specs: .jsonl, .csv or .parquet, one per row (see README)")
    footprint.add_argument("--market", default=None,
                           help="market code, e.g. IDN, POL, EU27 (a batch may give it per row, column market)")
    footprint.add_argument("--year", type=int, default=None,
                           help="registration year, e.g. 2024 (a batch may give it per row, column year)")
    footprint.add_argument("--lifetime-km", type=float, default=None,
                           help="lifetime distance (default: the market's, seed market_lifetime; a batch may give lifetime_km per row)")
    footprint.add_argument("--json", action="store_true", help="with --spec: print one JSON object")
    footprint.add_argument("--out", type=Path, default=None,
                           help="with --specs: write the rows to this .jsonl, .csv or .parquet file (default: JSON lines on stdout)")
    footprint.add_argument("--data-dir", type=Path, default=None,
                           help=f"data root holding the publication (default: ./{DEFAULT_DATA_DIR})")
    return parser


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live", action="store_true", help="call the live APIs instead of the embedded snapshot")
    parser.add_argument("--snapshot-dir", type=Path, default=None,
                        help=f"snapshot to read offline (default: {DEFAULT_SNAPSHOT_DIR})")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"data root for the warehouse and published Parquet (default: ./{DEFAULT_DATA_DIR})")


class UsageError(ValueError):
    pass


def parse_partition_range(text: str, partitions_def) -> tuple[str, str]:
    """``2024-12`` or ``2024-10..2024-12`` -> (first, last), both existing partition keys."""
    first, _, last = text.partition("..")
    first, last = first.strip(), (last or first).strip()
    keys = partitions_def.get_partition_keys()
    for key in (first, last):
        if key not in keys:
            raise UsageError(f"partition {key!r} does not exist; partitions run {keys[0]}..{keys[-1]}")
    if keys.index(first) > keys.index(last):
        raise UsageError(f"partition range {first}..{last} runs backwards")
    return first, last


def plan_runs(defs, settings, select: list[str] | None, partition: str | None) -> list[tuple[str, object, dict]]:
    """The runs a command needs, in order: (label, job, tags)."""
    from dagster import AssetKey

    from orchestration.schedules import partition_range_tags
    from orchestration.sources import PARTITIONED_SOURCES, partitioned_source

    snapshot = None if settings.live else _snapshot(settings)
    if not select:
        if partition:
            raise UsageError("--partition needs --select of one partitioned source")
        runs = []
        for source in PARTITIONED_SOURCES:
            keys = source.default_keys(settings.live, snapshot)
            if keys:
                runs.append((f"{source.key.to_user_string()} {keys[0]}..{keys[-1]}", defs.resolve_job_def(source.job_name),
                             partition_range_tags(keys[0], keys[-1])))
        return [*runs, ("refresh_all", defs.resolve_job_def("refresh_all"), {})]
    keys = [AssetKey.from_user_string(text) for text in select]
    partitioned_keys = {source.key for source in PARTITIONED_SOURCES}
    runs = []
    for key in (key for key in keys if key in partitioned_keys):
        source = partitioned_source(key)
        if partition:
            first, last = parse_partition_range(partition, source.partitions_def)
        else:
            default = source.default_keys(settings.live, snapshot)
            if not default:
                raise UsageError(f"{key.to_user_string()}: no default partitions; give --partition")
            first, last = default[0], default[-1]
        runs.append((f"{key.to_user_string()} {first}..{last}", defs.resolve_job_def(source.job_name),
                     partition_range_tags(first, last)))
    others = [key for key in keys if key not in partitioned_keys]
    if others and partition:
        raise UsageError(f"--partition applies to partitioned sources only; not partitioned: "
                         f"{', '.join(key.to_user_string() for key in others)}")
    if others:
        full = defs.resolve_job_def("refresh_all")
        known = set(full.asset_layer.executable_asset_keys)
        unknown = [key.to_user_string() for key in others if key not in known]
        if unknown:
            raise UsageError(f"unknown asset key(s): {', '.join(unknown)}")
        runs.append((", ".join(key.to_user_string() for key in others), full.get_subset(asset_selection=set(others)), {}))
    return runs


def run(live: bool, snapshot_dir: Path | None, data_dir: Path | None, select: list[str] | None = None,
        partition: str | None = None, verb: str = "refresh") -> int:
    # The Definitions read the dbt manifest and never parse on import: prepare it first.
    from orchestration.dbt_project import prepare_dbt_manifest

    prepare_dbt_manifest()
    from orchestration.build import build_defs
    from orchestration.progress import progress_logger, set_progress_stream, summarise
    from orchestration.settings import Settings

    defaults = Settings.from_env()
    settings = Settings(
        data_dir=(data_dir or defaults.data_dir).resolve(),
        snapshot_dir=(snapshot_dir or defaults.snapshot_dir).resolve(),
        live=live or defaults.live,
        endpoints=defaults.endpoints,
        registrations_dir=defaults.registrations_dir,
    )
    print(f"greenbridge {verb}: {'live APIs' if settings.live else f'snapshot {settings.snapshot_dir}'} -> data dir {settings.data_dir}")
    started = time.monotonic()
    defs = build_defs(settings, loggers={"progress": progress_logger})
    try:
        runs = plan_runs(defs, settings, select, partition)
    except (UsageError, KeyError) as error:
        print(f"greenbridge {verb}: {error.args[0] if error.args else error}", file=sys.stderr)
        return EXIT_USAGE
    log_path = settings.data_dir / "logs" / f"{verb}-{time.strftime('%Y%m%dT%H%M%S')}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    instance = _instance(settings.data_dir)
    results = []
    console = sys.stdout
    set_progress_stream(console)
    try:
        # dbt and the libraries print their own detail; it goes to the run log, progress to the console.
        with open(log_path, "w") as log, contextlib.redirect_stdout(log):
            for label, job, tags in runs:
                print(f"== {label}", file=console, flush=True)
                result = job.execute_in_process(raise_on_error=False, run_config={"loggers": {"progress": {}}},
                                                tags=tags, instance=instance)
                results.append(result)
                if summarise(result, 0).failed:
                    # A failed source (or a source whose rows broke its contract) must not be followed
                    # by a publication from stale or partial inputs.
                    break
    finally:
        set_progress_stream(None)
    summary = summarise(results, time.monotonic() - started)
    print(summary.render())
    print(f"  full log: {log_path}")
    print(f"  published Parquet: {settings.data_dir / 'published'}")
    return EXIT_FAILED if summary.failed else EXIT_OK


def _snapshot(settings):
    from connectors.snapshot import Snapshot

    return Snapshot(settings.snapshot_dir)


def _instance(data_dir: Path):
    """The data dir's persistent Dagster instance (``DAGSTER_HOME`` overrides): runs show in the UI."""
    from orchestration.instance import dagster_instance

    return dagster_instance(data_dir)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("DAGSTER_DBT_TERMINATION_TIMEOUT_SECONDS", "25")
    if args.command == "refresh":
        return run(args.live, args.snapshot_dir, args.data_dir, args.select, args.partition)
    if args.command == "backfill":
        return run(args.live, args.snapshot_dir, args.data_dir, [args.asset_key], args.partitions, verb="backfill")
    if args.command == "footprint":
        from orchestration.calculator.command import footprint_command

        return footprint_command(args)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
