"""Great Expectations validation through GX Checkpoints, with a file-backed GX project and published Data Docs.

Belongs here: running GX 1.x expectation suites against in-memory pandas frames, each suite through
its own GX ``Checkpoint`` (one validation definition, one Data Docs action) in a file-backed
GX project (``project_dir``: ``great_expectations.yml``, ``expectations/``,
``validation_definitions/``, ``checkpoints/``, ``uncommitted/validations/``), keeping the results of
the last runs, and the project's one Data Docs site, which GX builds into a publication folder
(``docs_dir/index.html``). Does not belong here: which expectations a table has (they live next to
the checks that use them, e.g. ``orchestration/checks/``), Dagster wiring, or Parquet publication
(``warehouse/publish.py``).

GX is imported lazily inside the functions: importing it takes several seconds.

How the Data Docs are written. Each checkpoint's action has GX render the suite's validation page
and suite page; the last checkpoint of a call has GX's ``UpdateDataDocsAction``, which also
rebuilds the index, the others ``gx_docs_action.UpdateDataDocsPagesAction``, which does not (an
index rebuild reads every stored result: ~0.4 s each). They write straight into ``docs_dir`` through
the site's store backend ``gx_site_store.OfflineSiteStoreBackend``: each file is written whole
(beside its target, then renamed over it), and every page loads the scripts, styles and fonts
shipped in ``data_docs_assets/`` (copied into ``docs_dir/static/vendor/``) instead of GX's CDNs,
so the pages are plain static files that render styled from disk with no network access. A site
built before those assets were shipped (or deleted) is rebuilt in full once.

Keeping the last runs. GX has no retention for validation results (its index builder's
``validation_results_limit`` only hides older ones). Before the checkpoints run, the results of all
but the newest ``keep_runs`` run names are removed from GX's validation results store; GX's index
builder then drops their pages from the site itself (it removes pages without a stored result).
"""

from __future__ import annotations

import logging
import os
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
SITE_STORE_BACKEND = ("warehouse.quality.gx_site_store", "OfflineSiteStoreBackend")
DATASOURCE_NAME = "frames"
BATCH_DEFINITION_NAME = "whole_frame"
DOCS_ACTION_NAME = "update_data_docs"
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
    """Validate each frame with its suite through its GX checkpoint; GX stores the results in
    ``project_dir`` and updates the Data Docs in ``docs_dir``.

    ``batches`` maps a suite name to (frame, GX expectation objects); the expectation objects are
    copied, never modified. A suite whose expectation list changed replaces the stored suite. Each
    suite has a checkpoint of its own name (a frame per suite; a checkpoint run takes one frame),
    and all checkpoints of one call share one GX run id (``run_name``, now), so the Data Docs list
    them as one run. Results of all but the newest ``keep_runs`` run names are deleted first.
    ``row_label_column``: a column of every frame whose values GX reports for the unexpected rows
    (``unexpected_index_list``), so a failure names the rows.
    A failure while building the docs is logged and gives ``docs_index=None``; the validation
    results are still returned and stay in the store.
    """
    if keep_runs < 1:
        raise ValueError(f"keep_runs must be at least 1, got {keep_runs}")
    from filelock import FileLock

    project_dir = Path(project_dir)
    docs_dir = Path(docs_dir).absolute()
    project_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(project_dir / LOCK_FILE), timeout=LOCK_TIMEOUT_S):
        return _validate_locked(batches, project_dir, docs_dir, run_name, keep_runs, row_label_column)


def _validate_locked(batches, project_dir: Path, docs_dir: Path, run_name: str, keep_runs: int,
                     row_label_column: str | None = None) -> GxRun:
    from great_expectations.core.run_identifier import RunIdentifier

    from warehouse.quality.offline_docs import is_installed

    started = time.perf_counter()
    import warehouse.quality.gx_docs_action  # noqa: F401 - registers the action stored checkpoints name

    context = _open_context(project_dir, docs_dir)
    datasource = _datasource(context)
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(timezone.utc))
    try:
        _prune_results(context, run_name, keep_runs)
    except Exception as error:  # an unpruned store only makes the docs bigger; never lose the results
        logger.warning("GX validation results not pruned in %s: %s: %s", project_dir, type(error).__name__, error)

    docs_errors: list[Exception] = []
    # Pages built before the shipped assets load GX's CDNs, and a deleted site lacks earlier runs:
    # GX rebuilds such a site in full from the stored results once. The checkpoints' actions then
    # render this run's pages only.
    if not is_installed(docs_dir) and context.validation_results_store.list_keys():
        try:
            context.build_data_docs(site_names=[SITE_NAME])
        except Exception as error:
            docs_errors.append(error)

    suites: dict[str, SuiteRun] = {}
    last = len(batches) - 1
    for position, (suite_name, (frame, expectations)) in enumerate(batches.items()):
        definition = _validation_definition(context, datasource, suite_name, expectations)
        checkpoint = _checkpoint(context, definition, _result_format(frame, row_label_column),
                                 builds_index=position == last)
        try:
            result = _only_result(checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id))
        except Exception as error:
            # GX stores the result before it runs the actions: a failing UpdateDataDocsAction loses
            # only the docs. Without a stored result the validation itself failed.
            result = _stored_result(context, suite_name, run_id)
            if result is None:
                raise
            docs_errors.append(error)
        suites[suite_name] = SuiteRun(suite=suite_name, success=bool(result.success), result=result)

    docs_index = docs_dir / "index.html"
    if not docs_errors and not docs_index.is_file():
        docs_errors.append(RuntimeError(f"GX wrote no index.html into {docs_dir}"))
    if docs_errors:
        error = docs_errors[0]
        logger.warning("GX Data Docs not built into %s: %s: %s", docs_dir, type(error).__name__, error, exc_info=error)
        docs_index = None
    logger.info("GX: ran %d checkpoints (validation and Data Docs) in %.2f s (%s)",
                len(suites), time.perf_counter() - started, docs_index or "Data Docs not built")
    return GxRun(suites=suites, docs_index=docs_index)


def _result_format(frame, row_label_column: str | None):
    if row_label_column is not None and row_label_column in frame.columns:
        # COMPLETE lists every unexpected row (not only the first 20), so a failure can quarantine them all.
        return {"result_format": "COMPLETE", "unexpected_index_column_names": [row_label_column]}
    return RESULT_FORMAT


def _only_result(checkpoint_result):
    (result,) = checkpoint_result.run_results.values()
    return result


def _stored_result(context, suite_name: str, run_id):
    store = context.validation_results_store
    for key in store.list_keys():
        if key.expectation_suite_identifier.name == suite_name and key.run_id.to_tuple() == run_id.to_tuple():
            return store.get(key)
    return None


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


def _site_config(docs_dir: Path) -> dict:
    module_name, class_name = SITE_STORE_BACKEND
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"module_name": module_name, "class_name": class_name, "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def _open_context(project_dir: Path, docs_dir: Path):
    """The file-backed context; its only Data Docs site is ``docs_dir``.

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
    wanted = {SITE_NAME: _site_config(docs_dir)}
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


def _checkpoint(context, definition, result_format, builds_index: bool = True):
    """The suite's checkpoint: its validation definition, the result format, and a Data Docs action
    for the site (``UpdateDataDocsAction`` when it ``builds_index``, else the pages-only action).
    Rewritten only when one of them changed."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.exceptions import DataContextError

    from warehouse.quality.gx_docs_action import UpdateDataDocsPagesAction

    action = UpdateDataDocsAction if builds_index else UpdateDataDocsPagesAction
    wanted = gx.Checkpoint(
        name=definition.name,
        validation_definitions=[definition],
        actions=[action(name=DOCS_ACTION_NAME, site_names=[SITE_NAME])],
        result_format=result_format,
    )
    try:
        stored = context.checkpoints.get(definition.name)
    except DataContextError:
        stored = None
    if stored is not None and stored.dict(exclude={"id"}) == wanted.dict(exclude={"id"}):
        return stored
    return context.checkpoints.add_or_update(wanted)


def _prune_results(context, run_name: str, keep_runs: int) -> int:
    """Delete the stored results of all but ``run_name`` and the newest ``keep_runs - 1`` other run
    names; the next Data Docs index build drops their pages. Returns how many were deleted."""
    store = context.validation_results_store
    keys = store.list_keys()
    newest: dict[str, datetime] = {}
    for key in keys:
        name = key.run_id.run_name
        if name not in newest or key.run_id.run_time > newest[name]:
            newest[name] = key.run_id.run_time
    others = sorted((name for name in newest if name != run_name), key=newest.__getitem__, reverse=True)
    kept = {run_name, *others[: keep_runs - 1]}
    removed = [key for key in keys if key.run_id.run_name not in kept]
    for key in removed:
        store.remove_key(key)
    if removed:
        # GX's TupleFilesystemStoreBackend.rrmdir never removes the emptied run directories.
        _remove_empty_dirs(Path(store.store_backend.full_base_directory))
        logger.info("GX: pruned %d validation results older than the newest %d runs", len(removed), keep_runs)
    return len(removed)


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    for directory, _subdirs, _files in os.walk(root, topdown=False):
        if Path(directory) != root:
            try:
                os.rmdir(directory)
            except OSError:
                pass  # not empty
