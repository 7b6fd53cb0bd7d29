"""The ``greenbridge`` command line.

``greenbridge refresh [--live] [--snapshot-dir DIR] [--data-dir DIR]`` lands every source (each
partitioned source over its default partitions: offline, every partition the snapshot holds; live,
the newest few), then rebuilds the dbt models, runs the checks and publishes Parquet, with the same
Definitions the Dagster UI loads. It prints progress per step and a summary. Each source lands on
its own: one that fails (its cause named: DNS, refused, timeout, HTTP status, schema drift) keeps
its last good raw table, the others land, and the models, checks and publication run on them; the
publication goes ahead while the failed source's last good landing is within its freshness window
(named as stale in the summary, the run's metadata and data_quality_results) and is refused past
it (orchestration/stale_sources.py). ``--strict`` stops at the first failure instead. Exit codes:
0 published (or nothing to publish) with every source fresh, 3 published with stale sources,
1 a step or a blocking check failed (nothing published), 2 a usage error.

``greenbridge refresh --select raw/comtrade__china_car_exports --partition 2024-10..2024-12`` (or
``greenbridge backfill raw/comtrade__china_car_exports 2024-10..2024-12``) lands just that range.
Runs are recorded in the data dir's Dagster instance (``<data>/dagster/``, or ``DAGSTER_HOME`` when
set: orchestration/instance.py), which ``make dagster`` opens, so they show in the UI.

``greenbridge footprint --spec FILE.json --market ISO3 --year YYYY [--lifetime-km N] [--json]``
computes one vehicle that is not in the catalogue with the same dbt method, against the reference
data of the last publication; ``--specs FILE.jsonl|.csv|.parquet [--out FILE]`` computes a batch
(orchestration/calculator/).

``greenbridge report --model ID --market ISO3 --year YYYY [--format html,pdf,json]`` writes a vehicle's
footprint report, and ``greenbridge export pact [--market ISO3] [--year YYYY] [--out FILE]`` the PACT
ProductFootprints, both from the last publication (products/).
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
EXIT_PUBLISHED_STALE = 3  # published, but some source failed and its last good data was used


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="greenbridge", description="Belt and Road vehicle life-cycle carbon footprints.")
    commands = parser.add_subparsers(dest="command", required=True)
    refresh = commands.add_parser("refresh", help="run the full refresh: sources -> dbt -> checks -> Parquet")
    _add_run_options(refresh)
    refresh.add_argument("--strict", action="store_true",
                         help="stop at the first source that fails, publishing nothing (default: land the others, "
                              "rebuild on the failed one's last good data and publish while it is fresh enough)")
    refresh.add_argument("--force", action="store_true",
                         help="rebuild and publish even when no source, seed or code changed since the current publication")
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
    # The standard's products, from the last publication (products/).
    from products.pact_command import add_pact_parser
    from products.report_command import add_report_parser

    add_report_parser(commands)
    add_pact_parser(commands)
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
        # refresh_all in two runs: its sources, then (run() decides) the models, checks and publication.
        return [*runs, (SOURCES, _sources_job(defs), {})]
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
        partition: str | None = None, verb: str = "refresh", strict: bool = False, force: bool = False) -> int:
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
        gaikindo_dir=defaults.gaikindo_dir,
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
    from orchestration.refresh_lock import RefreshBusy, refresh_lock

    # One refresh per data dir at a time: a second one waits here, before it runs anything.
    lock = contextlib.ExitStack()
    try:
        lock.enter_context(refresh_lock(settings.data_dir, say=lambda line: print(f"  {line}", flush=True)))
    except RefreshBusy as error:
        print(f"greenbridge {verb}: {error}", file=sys.stderr)
        return EXIT_FAILED
    with lock:
        return _execute(defs, runs, settings, log_path, started, select, strict, force)


def _execute(defs, runs, settings, log_path: Path, started: float, select, strict: bool, force: bool) -> int:
    """Run the planned runs in the data dir's instance, print the summary, return the exit code."""
    from orchestration.progress import set_progress_stream, summarise

    instance = _instance(settings.data_dir)
    from orchestration.run_recovery import end_orphaned_runs, process_tags

    orphaned = end_orphaned_runs(instance)
    if orphaned:
        print(f"  ended {len(orphaned)} run(s) left by a greenbridge process that died "
              f"(their warehouse slot freed): {', '.join(run_id[:8] for run_id in orphaned)}")
    results = []
    console = sys.stdout
    set_progress_stream(console)
    # Sources land independently: one that fails keeps its last good raw table and the rest goes on
    # (orchestration/stale_sources.py judges at publication whether that data is still fresh
    # enough). --strict, and a selection of assets, stop at the first failure instead.
    isolate = not strict and not select
    failed_sources: set = set()
    contract_broken: set = set()
    unchanged_since = None
    try:
        # dbt and the libraries print their own detail; it goes to the run log, progress to the console.
        with open(log_path, "w") as log, contextlib.redirect_stdout(log):
            pending = list(runs)
            while pending:
                label, job, tags = pending.pop(0)
                print(f"== {label}", file=console, flush=True)
                result = job.execute_in_process(raise_on_error=False, run_config={"loggers": {"progress": {}}},
                                                tags={**tags, **process_tags()}, instance=instance)
                results.append(result)
                if summarise(result, 0).failed:
                    if not isolate:
                        # A failed source (or a source whose rows broke its contract) must not be
                        # followed by a publication from stale or partial inputs.
                        break
                    failed, broken, other_failures = _source_failures(result)
                    failed_sources |= failed
                    contract_broken |= broken
                    if other_failures:
                        break
                if label == SOURCES:
                    if contract_broken:
                        # Their raw tables now hold part of a new landing, not their last good data:
                        # nothing is built or published (the check names the rows and the rule).
                        break
                    if not (failed_sources or force):
                        unchanged_since = _unchanged_publication(instance, settings)
                        if unchanged_since:
                            break
                    from orchestration.prewarm import import_in_background

                    import_in_background()  # the checks' libraries, while the build's dbt step runs dbt
                    pending.append((BUILD, _build_job(defs), _failed_source_tags(failed_sources)))
    finally:
        set_progress_stream(None)
    summary = summarise(results, time.monotonic() - started)
    if failed_sources or contract_broken:
        from orchestration.stale_sources import judge

        summary.stale_sources = [source.describe() for source in judge(instance, failed_sources, contract_broken)]
    print(summary.render())
    if unchanged_since:
        print(f"  nothing changed: every source's bytes, the seeds and the code are those the current "
              f"publication (run {unchanged_since[:8]}) was computed from; nothing rebuilt, the publication stands")
    print(f"  full log: {log_path}")
    print(f"  published Parquet: {settings.data_dir / 'published'}")
    if (settings.data_dir / "published" / "reports").exists():
        published = settings.data_dir / "published"
        print(f"  footprint reports: {published / 'reports' / 'index.html'}; front-runners: "
              f"{published / 'front_runners' / 'index.html'}; PACT: {published / 'pact' / 'product_footprints.json'}")
    if isolate and (failed_sources or contract_broken) and summary.published:
        return EXIT_PUBLISHED_STALE
    return EXIT_FAILED if summary.failed else EXIT_OK


REFRESH_ALL = "refresh_all"
SOURCES = "refresh_all: sources"
BUILD = "refresh_all: models, checks, publication"


def _failed_source_tags(failed: set) -> dict[str, str]:
    from orchestration.stale_sources import FAILED_SOURCES_TAG, encode

    return {FAILED_SOURCES_TAG: encode(failed)} if failed else {}


def _source_failures(result) -> tuple[set, set, list[str]]:
    """A run's raw sources that failed to land, those whose rows broke their contract, and the
    steps that failed that are not sources."""
    from dagster import AssetCheckSeverity, DagsterEventType

    from orchestration.assets.raw_sources import source_keys_by_step

    by_step = source_keys_by_step()
    source_keys = set().union(*by_step.values())
    failed, broken, others = set(), set(), []
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            if event.step_key in by_step:
                failed |= by_step[event.step_key]
            else:
                others.append(event.step_key)
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if (not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR
                    and evaluation.asset_key in source_keys):
                broken.add(evaluation.asset_key)
    return failed, broken, others


def _sources_job(defs):
    """refresh_all's unpartitioned raw sources."""
    from orchestration.assets.raw_sources import source_keys

    full = defs.resolve_job_def(REFRESH_ALL)
    return full.get_subset(asset_selection=set(full.asset_layer.executable_asset_keys) & source_keys())


def _build_job(defs):
    """refresh_all without the raw sources: the models, checks and publication on what the warehouse holds."""
    from orchestration.assets.raw_sources import source_keys

    full = defs.resolve_job_def(REFRESH_ALL)
    return full.get_subset(asset_selection=set(full.asset_layer.executable_asset_keys) - source_keys())


def _unchanged_publication(instance, settings) -> str | None:
    """The run id of the current publication when it was computed from exactly the inputs the
    warehouse now holds (orchestration/incremental.py); None when something changed."""
    from dagster import AssetKey

    from orchestration.incremental import inputs_fingerprint, published_fingerprint, raw_source_tables
    from warehouse.contracts.registry import PUBLISHED_TABLES
    from warehouse.duckdb_store import Warehouse
    from warehouse.paths import DataPaths

    paths = DataPaths.at(settings.data_dir)
    key = AssetKey(["published", PUBLISHED_TABLES[0]])
    recorded = published_fingerprint(instance, key, paths.published_manifest)
    if recorded is None:
        return None
    store = Warehouse(paths.warehouse_file)
    now = inputs_fingerprint(lambda sql: list(store.query_frame(sql).itertuples(index=False)), raw_source_tables())
    if now != recorded:
        return None
    return instance.get_latest_materialization_event(key).run_id


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
        return run(args.live, args.snapshot_dir, args.data_dir, args.select, args.partition, strict=args.strict,
                   force=args.force)
    if args.command == "backfill":
        return run(args.live, args.snapshot_dir, args.data_dir, [args.asset_key], args.partitions, verb="backfill")
    if args.command == "footprint":
        from orchestration.calculator.command import footprint_command

        return footprint_command(args)
    if args.command == "report":
        from products.report_command import report_command

        return report_command(args)
    if args.command == "export":
        from products.pact_command import export_command

        return export_command(args)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
