"""Great Expectations validation with a file-backed GX project and published Data Docs.

Belongs here: running GX 1.x expectation suites against in-memory pandas frames, keeping the
validation results in a file-backed GX project (``project_dir``: ``great_expectations.yml``,
``expectations/``, ``validation_definitions/``, ``uncommitted/validations/``), pruning old results,
and building the static GX Data Docs site into a publication folder (``docs_dir/index.html``).
Does not belong here: which expectations a table has (they live next to the checks that use them,
e.g. ``orchestration/checks/``), Dagster wiring, or Parquet publication (``warehouse/publish.py``).

GX is imported lazily inside the functions: importing it takes several seconds.

How the Data Docs are written. GX's ``SiteBuilder`` writes page by page into the directory of the
site's ``TupleFilesystemStoreBackend``. To keep readers from seeing a half-written site, the site is
configured to write into a staging directory beside ``docs_dir`` (``.<docs_dir name>.staging``):
each call copies the current site there, renders only this run's validation pages plus the suite
pages and the index (an incremental build), then swaps the staging directory into ``docs_dir`` with
two renames. A reader sees the previous complete site, the new complete site, or - for the instant
between the two renames - no ``docs_dir`` at all; never a half-written ``index.html``.

The pages are plain static files (open ``index.html`` from disk, no server), but GX's templates
load Bootstrap, jQuery and Font Awesome from public CDNs, so without network access the pages show
unstyled (all content still there).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.expectations import Expectation

logger = logging.getLogger(__name__)

SITE_NAME = "published"
DATASOURCE_NAME = "frames"
BATCH_DEFINITION_NAME = "whole_frame"
RESULT_FORMAT = "SUMMARY"
LOCK_FILE = ".gx_docs.lock"
LOCK_TIMEOUT_S = 600
OBSERVED_KEYS = ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list")


@dataclass(frozen=True)
class SuiteRun:
    suite: str
    success: bool
    result: object  # great_expectations ExpectationSuiteValidationResult

    def failed_expectations(self) -> list[dict]:
        """One JSON-serialisable dict per failed expectation: type, column(s), kwargs (without
        batch_id), observed values (observed_value, unexpected_count/percent, partial_unexpected_list
        when GX reports them) and the exception message if the expectation raised."""
        from great_expectations.util import convert_to_json_serializable

        failed = []
        for item in self.result.results:
            if item.success:
                continue
            config = item.expectation_config
            kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
            entry = {
                "expectation": config.type,
                "column": _columns(kwargs),
                "kwargs": kwargs,
                "observed": {k: item.result[k] for k in OBSERVED_KEYS if k in (item.result or {})},
            }
            messages = _exception_messages(item.exception_info)
            if messages:
                entry["exception"] = "; ".join(messages)
            failed.append(convert_to_json_serializable(entry))
        return failed


@dataclass(frozen=True)
class GxRun:
    suites: dict[str, SuiteRun]
    docs_index: Path | None  # docs_dir/index.html, None if building the Data Docs failed

    @property
    def success(self) -> bool:
        return all(run.success for run in self.suites.values())


def validate_frames(
    batches: Mapping[str, tuple[pd.DataFrame, Sequence[Expectation]]],
    project_dir: Path,
    docs_dir: Path,
    run_name: str,
    keep_runs: int = 20,
    row_label_column: str | None = None,
) -> GxRun:
    """Validate each frame with its suite, store the results in ``project_dir`` and publish Data Docs.

    ``batches`` maps a suite name to (frame, GX expectation objects); the expectation objects are
    copied, never modified. A suite whose expectation list changed replaces the stored suite. All
    suites of one call share one GX run id (``run_name``, now) so the Data Docs list them as one run.
    Results of all but the newest ``keep_runs`` run names are deleted before the docs are built.
    ``row_label_column``: a column of every frame whose values GX reports for the unexpected rows
    (``partial_unexpected_index_list``), so a failure names the rows.
    A failure while building the docs is logged and gives ``docs_index=None``; the validation
    results are still returned and stay in the store.
    """
    if keep_runs < 1:
        raise ValueError(f"keep_runs must be at least 1, got {keep_runs}")
    from filelock import FileLock

    project_dir = Path(project_dir)
    docs_dir = Path(docs_dir)
    project_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(project_dir / LOCK_FILE), timeout=LOCK_TIMEOUT_S):
        return _validate_locked(batches, project_dir, docs_dir, run_name, keep_runs, row_label_column)


def _validate_locked(batches, project_dir: Path, docs_dir: Path, run_name: str, keep_runs: int,
                     row_label_column: str | None = None) -> GxRun:
    from great_expectations.core.run_identifier import RunIdentifier

    started = time.perf_counter()
    staging_dir = _staging_dir(docs_dir)
    context = _open_context(project_dir, staging_dir)
    datasource = _datasource(context)
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(timezone.utc))

    suites: dict[str, SuiteRun] = {}
    for suite_name, (frame, expectations) in batches.items():
        definition = _validation_definition(context, datasource, suite_name, expectations)
        result_format = RESULT_FORMAT
        if row_label_column is not None and row_label_column in frame.columns:
            # COMPLETE lists every unexpected row (not only the first 20), so a failure can quarantine them all.
            result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [row_label_column]}
        result = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format, run_id=run_id)
        suites[suite_name] = SuiteRun(suite=suite_name, success=bool(result.success), result=result)
    validated = time.perf_counter()

    try:
        run_keys = _prune_results(context, run_id, keep_runs)
    except Exception as error:  # an unpruned store only makes the docs bigger; never lose the results
        logger.warning("GX validation results not pruned in %s: %s: %s", project_dir, type(error).__name__, error)
        run_keys = None
    docs_index = _publish_docs(context, docs_dir, staging_dir, sorted(batches), run_keys)
    logger.info(
        "GX: validated %d suites in %.2f s, Data Docs in %.2f s (%s)",
        len(suites), validated - started, time.perf_counter() - validated, docs_index or "not built",
    )
    return GxRun(suites=suites, docs_index=docs_index)


def _exception_messages(exception_info) -> list[str]:
    """GX gives either one {raised_exception, exception_message, ...} dict or one per metric."""
    if not isinstance(exception_info, Mapping):
        return []
    if "raised_exception" in exception_info:
        infos = [exception_info]
    else:
        infos = [info for info in exception_info.values() if isinstance(info, Mapping)]
    return sorted({str(info.get("exception_message")) for info in infos if info.get("raised_exception")})


def _columns(kwargs: dict):
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    if "column_A" in kwargs or "column_B" in kwargs:
        return [kwargs.get("column_A"), kwargs.get("column_B")]
    return None


def _staging_dir(docs_dir: Path) -> Path:
    return docs_dir.absolute().parent / f".{docs_dir.name}.staging"


def _site_config(staging_dir: Path) -> dict:
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(staging_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def _open_context(project_dir: Path, staging_dir: Path):
    """The file-backed context; its only Data Docs site writes into ``staging_dir``.

    great_expectations.yml is rewritten only when the site config differs (first call, or a new
    docs_dir), so a steady-state call does not touch the project config.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", context_root_dir=str(project_dir))
    # Progress bars would interleave with the CLI's progress lines; GX 1.24 sends no usage
    # statistics, the flag is set for older/newer versions that might.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.config.analytics_enabled = False
    wanted = {SITE_NAME: _site_config(staging_dir)}
    if _plain(context.variables.data_docs_sites) != wanted:
        context.variables.data_docs_sites = wanted
        context.variables.save()
    return context


def _plain(value):
    """ruamel/CommentedMap config values as plain dicts, for comparison."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _datasource(context):
    try:
        return context.data_sources.get(DATASOURCE_NAME)
    except KeyError:
        return context.data_sources.add_pandas(DATASOURCE_NAME)


def _validation_definition(context, datasource, suite_name: str, expectations):
    """Create or update the suite (replacing its expectations) and its validation definition."""
    import great_expectations as gx
    from great_expectations.exceptions import DataContextError

    if suite_name in datasource.get_asset_names():
        asset = datasource.get_asset(suite_name)
    else:
        asset = datasource.add_dataframe_asset(suite_name)
    try:
        batch_definition = asset.get_batch_definition(BATCH_DEFINITION_NAME)
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)

    copies = [expectation.copy(deep=True, update={"id": None}) for expectation in expectations]
    wanted = gx.ExpectationSuite(name=suite_name, expectations=copies)
    try:
        stored = context.suites.get(suite_name)
        unchanged = [_fingerprint(e) for e in stored.expectations] == [_fingerprint(e) for e in wanted.expectations]
    except DataContextError:
        unchanged = False
    if not unchanged:
        context.suites.add_or_update(wanted)

    try:
        definition = context.validation_definitions.get(suite_name)
    except DataContextError:
        definition = None
    if (
        definition is None
        or definition.suite.name != suite_name
        or definition.data.name != BATCH_DEFINITION_NAME
        or definition.data.data_asset.name != suite_name
        or definition.data.data_asset.datasource.name != DATASOURCE_NAME
    ):
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=context.suites.get(suite_name))
        )
    return definition


def _fingerprint(expectation) -> tuple:
    # Expectation.__eq__ compares ids and ignores the expectation type; neither suits this check.
    fields = expectation.dict(exclude={"id", "rendered_content"})
    for name in ("meta", "notes"):  # a stored suite reads back meta={} for meta=None
        fields[name] = fields.get(name) or None
    return expectation.expectation_type, fields


def _prune_results(context, run_id, keep_runs: int) -> list:
    """Delete results of all but the newest ``keep_runs`` run names; return this run's result keys."""
    store = context.validation_results_store
    keys = store.list_keys()
    newest: dict[str, datetime] = {}
    for key in keys:
        name = key.run_id.run_name
        if name not in newest or key.run_id.run_time > newest[name]:
            newest[name] = key.run_id.run_time
    others = sorted((name for name in newest if name != run_id.run_name), key=newest.__getitem__, reverse=True)
    kept = {run_id.run_name, *others[: keep_runs - 1]}
    removed = 0
    for key in keys:
        if key.run_id.run_name not in kept:
            store.remove_key(key)
            removed += 1
    if removed:
        # GX's TupleFilesystemStoreBackend.rrmdir never removes the emptied run directories.
        _remove_empty_dirs(Path(store.store_backend.full_base_directory))
        logger.info("GX: pruned %d validation results older than the newest %d runs", removed, keep_runs)
    return [key for key in keys if key.run_id.to_tuple() == run_id.to_tuple()]


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    for directory, _subdirs, _files in os.walk(root, topdown=False):
        if Path(directory) != root:
            try:
                os.rmdir(directory)
            except OSError:
                pass  # not empty


def _publish_docs(context, docs_dir: Path, staging_dir: Path, suite_names: list[str], run_keys: list | None) -> Path | None:
    """Build the site in ``staging_dir`` (incrementally when a site exists) and swap it into ``docs_dir``."""
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    docs_dir = docs_dir.absolute()
    previous = docs_dir.parent / f".{docs_dir.name}.previous"
    try:
        shutil.rmtree(staging_dir, ignore_errors=True)
        incremental = bool(run_keys) and (docs_dir / "index.html").is_file()
        if incremental:
            shutil.copytree(docs_dir, staging_dir, symlinks=True)
            # Only this run's validation pages and the (possibly changed) suite pages are rendered;
            # the index is always rebuilt, and it drops pages whose results were pruned.
            resource_identifiers = [ExpectationSuiteIdentifier(name=name) for name in suite_names] + list(run_keys)
        else:
            staging_dir.mkdir(parents=True)
            resource_identifiers = None  # full build: every stored suite and result
        context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=resource_identifiers)
        if not (staging_dir / "index.html").is_file():
            raise RuntimeError(f"GX wrote no index.html into {staging_dir}")
        _remove_empty_dirs(staging_dir)

        shutil.rmtree(previous, ignore_errors=True)
        if docs_dir.exists():
            os.replace(docs_dir, previous)
        os.replace(staging_dir, docs_dir)
        shutil.rmtree(previous, ignore_errors=True)
        return docs_dir / "index.html"
    except Exception as error:  # the validation results are already stored; only the docs are lost
        logger.warning("GX Data Docs not built into %s: %s: %s", docs_dir, type(error).__name__, error, exc_info=True)
        shutil.rmtree(staging_dir, ignore_errors=True)
        if not docs_dir.exists() and previous.exists():
            os.replace(previous, docs_dir)
        return None
