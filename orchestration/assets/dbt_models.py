"""The dbt project as Dagster assets: seeds (group raw), staging, intermediate and marts models.

dbt sources map to the raw assets by key, so lineage runs from each raw source through every model
to the published Parquet. dbt tests become asset checks; a failing test fails its check (publication then refuses to
run) without failing the step. dbt runs under the warehouse pool and the warehouse file lock, with
one thread.

Importing this module reads the dbt manifest and runs nothing: the manifest is prepared beforehand
(orchestration/dbt_project.py), and under ``dagster dev`` a stale one is re-parsed at load.
"""

import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AutomationCondition, Failure, ResourceParam
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.automation import follow_upstream
from orchestration import dbt_unit_tests
from orchestration.dbt_project import DBT_PROJECT, prepare_if_dev, require_manifest
from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS, WarehouseResource

MODEL_LAYERS = ("staging", "intermediate", "marts")
DBT_TARGETS_KEPT = 5
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


class GreenbridgeDbtTranslator(DagsterDbtTranslator):
    """Keys ``[layer, name]``: seeds are ``raw/<seed>``; models ``staging|intermediate|marts/<model>``."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return AssetKey(["raw", dbt_resource_props["name"]])
        if resource_type == "model":
            return AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return "raw"
        if resource_type == "model":
            return self._layer(dbt_resource_props)
        return super().get_group_name(dbt_resource_props)

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> AutomationCondition | None:
        # Seeds are curated parameter tables refreshed by their own (quarterly) job; models follow.
        if dbt_resource_props["resource_type"] == "model":
            return follow_upstream()
        return None

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        # Not blocking: a blocking check failing inside the dbt step fails the step, and then the
        # standard's rules never run to name what broke. A failing dbt test still fails its check
        # with severity ERROR, which the publication gate refuses to publish over.
        return spec._replace(blocking=False) if spec is not None else None

    @staticmethod
    def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else "marts"
        return layer if layer in MODEL_LAYERS else "marts"


DBT_TRANSLATOR = GreenbridgeDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

prepare_if_dev()
require_manifest()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=DBT_TRANSLATOR,
    name="dbt_greenbridge",
    pool=WAREHOUSE_POOL,
    op_tags=WAREHOUSE_TAGS,
)
def dbt_greenbridge(context: AssetExecutionContext, dbt: ResourceParam[DbtCliResource], warehouse: ResourceParam[WarehouseResource]):
    with warehouse.store.lock():
        # A failing dbt test is a failed asset check (severity ERROR) that stops publication, so the
        # standard's rules still run on what was built and name the rule; a model, seed or test that
        # cannot run at all fails the step. The method's unit tests run once per version of its code.
        unit_tests = dbt_unit_tests.plan(DBT_PROJECT.manifest_path, DBT_PROJECT.project_dir / "dbt_project.yml")
        target_path = _target_with_partial_parse(context.run_id, warehouse.paths.dbt_partial_parse_file)
        invocation = dbt.cli(["build", *unit_tests.arguments], context=context, raise_on_error=False,
                             target_path=target_path)
        yield from invocation.stream()
        _keep_partial_parse(target_path, warehouse.paths.dbt_partial_parse_file)
    # A failing unit test of the method ("fail", and dbt then skips the mart it tests) is no asset
    # check in dagster-dbt: without this it would pass unseen and the refresh would publish nothing.
    errored = [result["unique_id"] for result in invocation.get_artifact("run_results.json")["results"]
               if result["status"] == "error"
               or (result["status"] == "fail" and result["unique_id"].startswith("unit_test."))]
    prune_dbt_targets(Path(invocation.target_path).parent)
    if errored:
        raise Failure(description=f"dbt build: {len(errored)} node(s) failed or could not run: {', '.join(errored[:10])}"
                                  f" (see the dbt log in {invocation.target_path})")
    unit_tests.record_if_passed(DBT_PROJECT.manifest_path, invocation.get_artifact("run_results.json"))


def _target_with_partial_parse(run_id: str, kept: Path) -> Path:
    """A new target folder for this invocation, holding the data dir's last partial-parse state.

    dbt reuses a parse only when the profile's connection settings are the ones it was made with,
    and every data dir has its own (the warehouse path): the project's own ``target/`` state,
    which dagster-dbt would copy in, always forces a full parse (~3 s). dbt itself checks the kept
    file against the project and re-parses whatever changed."""
    target_path = DBT_PROJECT.project_dir / "target" / f"dbt_greenbridge-{run_id[:7]}-{uuid.uuid4().hex[:7]}"
    target_path.mkdir(parents=True)
    if kept.is_file():
        shutil.copyfile(kept, target_path / PARTIAL_PARSE_FILE)
    return target_path


def _keep_partial_parse(target_path: Path, kept: Path) -> None:
    """Keep what dbt parsed for the data dir's next invocation (written whole, then renamed)."""
    parsed = target_path / PARTIAL_PARSE_FILE
    if not parsed.is_file():
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    temporary = kept.with_name(f".{kept.name}.{uuid.uuid4().hex}")
    shutil.copyfile(parsed, temporary)
    os.replace(temporary, kept)


def prune_dbt_targets(target_root: Path, keep: int = DBT_TARGETS_KEPT) -> None:
    """dagster-dbt gives every invocation its own target folder (~13 MB) and never removes one: keep
    the newest few, for debugging a recent run."""
    folders = sorted((path for path in target_root.glob("dbt_greenbridge-*") if path.is_dir()),
                     key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in folders[keep:]:
        shutil.rmtree(stale, ignore_errors=True)


# The curated parameter tables (emission factors, method parameters, ...), refreshed quarterly: the
# translator keys seeds, and only seeds, under raw/.
SEED_KEYS = sorted(key for key in dbt_greenbridge.keys if key.path[0] == "raw")
