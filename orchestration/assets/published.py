"""Published assets: the marts as Parquet at ``<data-dir>/published/<table>/part-0.parquet``, for BI tools.

One step publishes every table together, after all blocking checks on the marts have passed and no
check of the run failed with severity ERROR (orchestration/checks/publication_gate.py): the run's
tables become one new version, ``published/versions/<run_id>/``, switched in atomically by one
symlink, ``published/current`` (warehouse/publish.py). Each table's metadata gives the stable BI path
(a symlink through ``current``), the version folder holding the bytes, and links the run's
data-quality results and GX Data Docs, published beside the Parquet. The same version holds the
calculator's reference (``reference.duckdb``: the compiled method and the relations it reads), so
``greenbridge footprint`` computes against the last good publication without the warehouse, and
what BI tools need beside the Parquet: the catalogue ``greenbridge.duckdb`` (one view per table,
warehouse/bi_catalogue.py), the data dictionary from the contracts (``data_dictionary.parquet`` and
``.md``, warehouse/data_dictionary.py) and the dbt docs site (``dbt_docs.html``, orchestration/dbt_docs.py);
and the standard's products built from the same tables (products/publication.py): the pilot markets'
front-runner reports (``reports/``), a front-runner page per market (``front_runners/``) and the PACT
exchange file (``pact/product_footprints.json``).
"""

import tempfile
import time
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Failure, MaterializeResult, MetadataValue, ResourceParam, TableColumn, TableSchema, multi_asset
from dagster_dbt import DbtCliResource

from orchestration.automation import follow_upstream
from orchestration.calculator.reference import REFERENCE_FILE, build_reference, discard
from orchestration.checks.publication_gate import failed_error_checks
from orchestration.incremental import FINGERPRINT_METADATA, inputs_fingerprint, raw_source_tables
from orchestration.dbt_docs import DOCS_FILE, dbt_docs_page
from products.naming import FRONT_RUNNERS_DIR, INDEX_FILE, PACT_DIR, PACT_FILE, REPORTS_DIR
from products.publication import write_product_files
from orchestration.stale_sources import FAILED_SOURCES_TAG, STALE_SOURCE_RULE, decode, judge
from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS, WarehouseResource
from warehouse.bi_catalogue import CATALOGUE_FILE, CatalogueView, write_catalogue
from warehouse.contracts.registry import PUBLISHED_TABLES, contract_for
from warehouse.data_dictionary import DICTIONARY_CONTRACT, MARKDOWN_FILE, PARQUET_FILE, write_data_dictionary
from warehouse.publish import PART_FILE, publish_tables
from warehouse.quality.results import CheckOutcome, write_check_results


def _spec(table: str) -> AssetSpec:
    contract = contract_for(table)
    return AssetSpec(
        key=AssetKey(["published", table]),
        deps=[AssetKey(["marts", table])],
        group_name="published",
        kinds={"parquet"},
        automation_condition=follow_upstream(),
        description=f"Parquet publication of marts.{table}: {contract.description}",
        metadata={
            "dagster/column_schema": TableSchema(
                columns=[TableColumn(c.name, c.dtype, description=c.documentation) for c in contract.columns]
            )
        },
    )


@multi_asset(specs=[_spec(table) for table in PUBLISHED_TABLES], pool=WAREHOUSE_POOL, op_tags=WAREHOUSE_TAGS)
def published_parquet(context: AssetExecutionContext, warehouse: ResourceParam[WarehouseResource],
                      dbt: ResourceParam[DbtCliResource]):
    failed = failed_error_checks(context.instance, context.run_id)
    if failed:
        raise Failure(
            description="publication refused, the previous Parquet is unchanged: "
                        f"{len(failed)} check(s) failed with severity ERROR: " + "; ".join(failed),
            metadata={"failed_checks": MetadataValue.json(failed)},
        )
    paths = warehouse.paths
    stale = _stale_sources(context, paths)
    fingerprint = inputs_fingerprint(lambda sql: list(warehouse.store.query_frame(sql).itertuples(index=False)),
                                     raw_source_tables())
    tables = {table: (contract_for(table), warehouse.store.read_arrow(f"marts.{table}")) for table in PUBLISHED_TABLES}
    # The calculator's reference goes into the same version: greenbridge footprint then computes
    # against exactly this publication, without the warehouse (orchestration/calculator/reference.py).
    reference = build_reference(paths, warehouse.store, context.run_id)
    context.log.info(f"calculator reference: {len(reference.method.relations)} relations, method "
                     f"{reference.method.sql_sha256[:12]} ({'compiled by dbt' if reference.compiled else 'cached'})")
    try:
        docs = dbt_docs_page(paths, dbt, warehouse.store)
        context.log.info(f"dbt docs: {'generated' if docs.generated else 'cached'} for manifest {docs.manifest_sha256[:12]}")
        with tempfile.TemporaryDirectory(prefix="greenbridge-bi-") as folder:
            files = {REFERENCE_FILE: reference.path, DOCS_FILE: docs.path, **write_bi_files(Path(folder))}
            arrow_tables = {name: table for name, (_, table) in tables.items()}

            def products(table_sha256, version):
                # The standard's products describe exactly this version's tables and cite their bytes.
                started = time.monotonic()
                written = write_product_files(arrow_tables, context.run_id, Path(folder) / "products", version,
                                              table_sha256)
                context.log.info(f"products: {len(written)} files (reports, front-runner pages, PACT) in "
                                 f"{time.monotonic() - started:.1f} s")
                return written

            published = publish_tables(paths, context.run_id, tables, files=files, files_of_tables=products)
    finally:
        discard(reference)
    for entry in published:
        context.log.info(f"published {entry.table}: {entry.rows} rows -> {entry.path}")
        yield MaterializeResult(
            asset_key=AssetKey(["published", entry.table]),
            metadata={
                "dagster/row_count": entry.rows,
                "path": MetadataValue.path(entry.path),
                "version": MetadataValue.path(str(paths.publication_version_dir(entry.version))),
                "sha256": entry.sha256,
                "bytes": entry.bytes,
                "data_quality_results": MetadataValue.path(str(paths.data_quality_results_dir / f"run_id={context.run_id}")),
                "data_docs": MetadataValue.path(str(paths.data_docs_dir / "index.html")),
                "stale_sources": MetadataValue.json([source.describe() for source in stale]),
                FINGERPRINT_METADATA: fingerprint,
                **{key: MetadataValue.path(str(paths.publication_version_dir(entry.version) / name))
                   for key, name in BI_FILES_METADATA.items()},
            },
        )


# Metadata key on every published table -> the file of its version the key names.
BI_FILES_METADATA = {"bi_catalogue": CATALOGUE_FILE, "data_dictionary": MARKDOWN_FILE, "dbt_docs": DOCS_FILE,
                     "reports": f"{REPORTS_DIR}/{INDEX_FILE}", "front_runners": f"{FRONT_RUNNERS_DIR}/{INDEX_FILE}",
                     "pact": f"{PACT_DIR}/{PACT_FILE}"}


def write_bi_files(folder: Path) -> dict[str, Path]:
    """The catalogue and the data dictionary of the published tables, written into ``folder``;
    returns file name -> path, for ``publish_tables(files=)``."""
    contracts = [contract_for(table) for table in PUBLISHED_TABLES]
    files = write_data_dictionary(folder, contracts)
    views = [CatalogueView(contract, f"{contract.name}/{PART_FILE}") for contract in contracts]
    views.append(CatalogueView(DICTIONARY_CONTRACT, PARQUET_FILE))
    files[CATALOGUE_FILE] = write_catalogue(folder / CATALOGUE_FILE, views)
    return files


def _stale_sources(context: AssetExecutionContext, paths):
    """The sources that failed to land in this refresh (run tags, orchestration/stale_sources.py):
    published on their last good data, or the publication refused naming them."""
    tags = context.run.tags
    stale = judge(context.instance, decode(tags.get(FAILED_SOURCES_TAG)), [])
    if not stale:
        return []
    blocked = [source for source in stale if not source.publishable]
    write_check_results(paths, context.run_id, "published_parquet", [CheckOutcome(
        check_name="stale_source", rule_id=STALE_SOURCE_RULE, asset=source.asset_key.to_user_string(),
        severity="ERROR" if source in blocked else "WARN", passed=False,
        outcome="publication refused" if source in blocked else "published on its last good data",
        observed=source.describe(),
        expected=f"a landing within {source.fail_window.days} days" if source.fail_window else "a good landing",
    ) for source in stale])
    if blocked:
        raise Failure(
            description=f"publication refused, the previous Parquet is unchanged: {STALE_SOURCE_RULE}: "
                        + "; ".join(source.describe() for source in blocked),
            metadata={"blocked_sources": MetadataValue.json([source.describe() for source in blocked])},
        )
    for source in stale:
        context.log.warning(f"{STALE_SOURCE_RULE}: published on stale data of {source.describe()}")
    return stale
