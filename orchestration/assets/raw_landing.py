"""Landing one source fetch in the warehouse: store the raw bytes, validate the parsed frame against
its contract, write the raw table, log the fetch. Shared by every raw asset so each connector's
asset only says which source and contract it lands."""

from collections.abc import Callable, Iterator

import pandas as pd
from dagster import AssetCheckResult, AssetExecutionContext, Failure, MaterializeResult, MetadataValue

from connectors.provenance import FetchRecord, redact_url
from connectors.raw_fetch import RawFetch
from warehouse.contracts import ContractViolation, TableContract, validate_frame
from warehouse.raw_store import sha256_hex, store_raw_bytes
from orchestration.resources import WarehouseResource

RAW_SCHEMA = "raw"
FETCH_LOG_TABLE = "raw_fetch_log"
CONTRACT_CHECK_NAME = "contract"


def land_raw_table(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    fetch: RawFetch,
    parse: Callable[[bytes], pd.DataFrame],
    contract: TableContract,
) -> Iterator[AssetCheckResult | MaterializeResult]:
    digest = sha256_hex(fetch.content)
    raw_path = store_raw_bytes(warehouse.paths.raw_store_dir, fetch.content)
    frame = parse(fetch.content)
    frame["source_sha256"] = digest
    try:
        frame = validate_frame(contract, frame)
    except ContractViolation as violation:
        # Nothing is written: the warehouse keeps the last good table.
        raise Failure(
            description=f"[{fetch.source}] {violation}",
            metadata={"rule_failures": MetadataValue.json(violation.failures), "raw_sha256": digest},
        ) from None
    rows = warehouse.store.replace_table(RAW_SCHEMA, contract.name, frame)
    record = FetchRecord(
        source=fetch.source,
        mode=fetch.mode,
        url=redact_url(fetch.url),
        parameters=str(fetch.parameters),
        retrieved_at=fetch.retrieved_at,
        http_status=fetch.http_status,
        sha256=digest,
        byte_count=len(fetch.content),
        row_count=rows,
        licence=fetch.licence,
        citation=fetch.citation,
        raw_path=str(raw_path),
    )
    log_row = pd.DataFrame([{**record.as_dict(), "run_id": context.run_id, "table_name": contract.name}])
    log_row["http_status"] = log_row["http_status"].astype("Int64")
    warehouse.store.append_rows(RAW_SCHEMA, FETCH_LOG_TABLE, log_row)
    context.log.info(f"{contract.name}: {rows} rows from {fetch.mode} {record.url} (sha256 {digest[:12]})")
    yield AssetCheckResult(check_name=CONTRACT_CHECK_NAME, passed=True, metadata={"rows_validated": rows})
    yield MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "source": fetch.source,
            "mode": fetch.mode,
            "url": MetadataValue.url(record.url) if record.url else "",
            "retrieved_at": record.retrieved_at,
            "http_status": record.http_status if record.http_status is not None else "snapshot",
            "sha256": digest,
            "raw_bytes_path": MetadataValue.path(str(raw_path)),
            "byte_count": record.byte_count,
            "licence": record.licence,
            "citation": record.citation,
            "warehouse_table": f"{RAW_SCHEMA}.{contract.name}",
        }
    )
