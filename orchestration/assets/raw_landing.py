"""Landing source fetches in the warehouse: keep the raw bytes (content-addressed), parse every
response, validate the result against the table's contract, write the raw table (whole, or the
partitions fetched), log each fetch in ``raw.raw_fetch_log``, and describe it all in the asset's
materialization metadata. Shared by every raw asset, so each asset only says what it fetches.

Everything is parsed and validated before anything is written: a malformed page, a schema drift or
a table-level contract break (a missing column) in any partition fails the step and leaves the
warehouse as it was. Rows breaking a row-level rule (a range, an ISO code, a duplicate key, the
carbon balance) are quarantined with the rule and reason (``quality.quarantine`` and Parquet under
``published/data_quality_quarantine``), the other rows land, and the blocking contract check fails
with severity ERROR, so nothing downstream runs and the previous publication stays as it was.
"""

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetKey, DataVersion, Failure,
                     MaterializeResult, MetadataValue)

from connectors.credentials import contains_secret, scrub, scrub_value
from connectors.errors import SourceError
from connectors.provenance import FetchRecord, redact_url
from connectors.raw_fetch import RawFetch
from orchestration.incremental import code_digest
from orchestration.resources import WarehouseResource
from warehouse.contracts.schema import SOURCE_SHA256, TableContract
from warehouse.contracts.validation import CONTRACT_CHECK_NAME, CONTRACT_RULE_ID, ContractViolation, split_by_contract
from warehouse.quality.results import CheckOutcome, json_safe, quarantine_frame, write_check_results, write_quarantine
from warehouse.quality.rules import BLOCKING
from warehouse.raw_store import sha256_hex, store_raw_bytes

RAW_SCHEMA = "raw"
FETCH_LOG_TABLE = "raw_fetch_log"
DATA_VERSION_TAG = "dagster/data_version"
CODE_DIGEST_METADATA = "code_digest"
UNPARTITIONED = None


@dataclass(frozen=True)
class RawTable:
    """What a raw asset lands: its contract, the parser of one response, and (for partitioned
    sources) the column holding the partition and how a partition key maps to its value.

    ``parse`` reads a response's bytes; a source whose responses differ in layout by what was asked
    (a file per country, a page per dataset) gives ``parse_fetch`` instead, which reads the whole
    fetch (its URL and parameters with its bytes)."""

    contract: TableContract
    parse: Callable[[bytes], pd.DataFrame] | None = None
    partition_column: str | None = None
    partition_value: Callable[[str], object] = field(default=str)
    parse_fetch: Callable[[RawFetch], pd.DataFrame] | None = None

    def __post_init__(self) -> None:
        if (self.parse is None) == (self.parse_fetch is None):
            raise TypeError(f"RawTable {self.contract.name}: give exactly one of parse and parse_fetch")

    def read(self, fetch: RawFetch) -> pd.DataFrame:
        return self.parse_fetch(fetch) if self.parse_fetch is not None else self.parse(fetch.content)


def land_raw_table(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    table: RawTable,
    batches: Mapping[str | None, list[RawFetch]],
    notes: Mapping[str, object] | None = None,
) -> Iterator[AssetCheckResult | MaterializeResult]:
    """Land ``batches`` (partition key, or None, -> the fetches answering it) as ``raw.<table>``."""
    # One warehouse connection for the landing's reads and writes (warehouse/duckdb_store.py).
    with warehouse.store.session():
        yield from _land(context, warehouse, table, batches, notes)


def _land(context, warehouse, table: RawTable, batches, notes) -> Iterator[AssetCheckResult | MaterializeResult]:
    contract = table.contract
    for fetches in batches.values():
        for fetch in fetches:
            if contains_secret(fetch.content):
                # Stored bytes are evidence, kept as received: bytes holding an active key are not data.
                raise Failure(description=f"[{fetch.source}] {redact_url(fetch.url)} {fetch.parameters}: the bytes hold "
                                          "an active API key; refused, nothing stored")
    unchanged = _unchanged_landing(context, warehouse, contract, batches)
    if unchanged is not None:
        yield from unchanged
        return
    frames, records, quarantined, rule_failures = [], [], [], []
    for key, fetches in batches.items():
        pages = []
        for fetch in fetches:
            digest = sha256_hex(fetch.content)
            raw_path = store_raw_bytes(warehouse.paths.raw_store_dir, fetch.content)
            try:
                page = table.read(fetch)
            except SourceError as error:
                # Says which response (or dropped file) it was, without changing the error itself.
                error.add_note(f"while parsing {redact_url(fetch.url)} {fetch.parameters}")
                raise
            if table.partition_column is not None:
                # A snapshot file (or a revised answer) can hold more than the partition asked for.
                page = page[page[table.partition_column] == table.partition_value(key)]
            page = page.assign(**{SOURCE_SHA256.name: digest})
            pages.append(page)
            records.append((key, _record(fetch, digest, raw_path, len(page))))
        frame = pd.concat(pages, ignore_index=True) if pages else pd.DataFrame(columns=contract.column_names)
        try:
            split = split_by_contract(contract, frame)
        except ContractViolation as violation:
            where = f" partition {key}" if key is not None else ""
            raise Failure(
                description=scrub(f"[{fetches[0].source if fetches else contract.name}]{where}: {violation}"),
                metadata={"rule_failures": MetadataValue.json(scrub_value(violation.failures))},
            ) from None
        frames.append(split.valid)
        if split.quarantined_count:
            quarantined.append(quarantine_frame(contract.name, context.run_id, frame, split.reasons))
            rule_failures += [{**failure, "partition": key} for failure in split.failures]
    landed = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=contract.column_names)
    keys = [key for key in batches if key is not None]
    if table.partition_column is None:
        rows = warehouse.store.replace_table(RAW_SCHEMA, contract.name, landed)
    else:
        values = [table.partition_value(key) for key in keys]
        rows = warehouse.store.replace_partitions(RAW_SCHEMA, contract.name, landed, table.partition_column, values)
    _log_fetches(context, warehouse, contract, records)
    context.log.info(f"{contract.name}: {rows} rows from {len(records)} fetch(es)"
                     + (f", partitions {keys[0]}..{keys[-1]}" if keys else ""))
    # One record per row and rule broken: a row counts once.
    quarantine = pd.concat(quarantined, ignore_index=True) if quarantined else pd.DataFrame(columns=["row_json"])
    quarantined_rows = quarantine["row_json"].nunique()
    source = records[0][1].source if records else contract.name
    yield _contract_check_result(context, warehouse, contract, source, rows, quarantine, quarantined_rows, rule_failures)
    metadata = _metadata(context, contract, rows, keys, records, notes)
    metadata["quarantined_rows"] = quarantined_rows
    metadata[CODE_DIGEST_METADATA] = code_digest()
    # The source bytes this landing holds: an unchanged source keeps its data version, which the UI
    # shows and orchestration/incremental.py compares.
    yield MaterializeResult(metadata=metadata, data_version=bytes_version(
        (str(key), record.sha256) for key, record in records))


def _unchanged_landing(context, warehouse, contract: TableContract, batches) -> list | None:
    """When the last landing of this table held exactly these bytes (same data version), was
    validated by the same code and quarantined nothing, and the table still holds them: the
    landing's results without parsing, validating or writing the table again (the fetches are
    logged). None when anything differs, so the landing runs in full."""
    digests = [(key, sha256_hex(fetch.content)) for key, fetches in batches.items() for fetch in fetches]
    if not digests:
        return None
    version = bytes_version((str(key), digest) for key, digest in digests)
    event = context.instance.get_latest_materialization_event(AssetKey([RAW_SCHEMA, contract.name]))
    materialization = event.asset_materialization if event is not None else None
    if materialization is None or materialization.tags.get(DATA_VERSION_TAG) != version.value:
        return None
    metadata = materialization.metadata
    recorded_code = metadata.get(CODE_DIGEST_METADATA)
    quarantined = metadata.get("quarantined_rows")
    if getattr(recorded_code, "value", None) != code_digest() or getattr(quarantined, "value", None) != 0:
        return None
    try:
        rows_by_digest = dict(warehouse.store.query_frame(
            f'select "{SOURCE_SHA256.name}", count(*) from {RAW_SCHEMA}."{contract.name}" group by 1').itertuples(index=False))
    except Exception:  # the table is gone (a new warehouse file): land in full
        return None
    if not {digest for _, digest in digests} <= set(rows_by_digest):
        return None
    fetches = [fetch for batch in batches.values() for fetch in batch]  # in the order of ``digests``
    records = [(key, _record(fetch, digest, store_raw_bytes(warehouse.paths.raw_store_dir, fetch.content),
                             int(rows_by_digest[digest])))
               for (key, digest), fetch in zip(digests, fetches)]
    _log_fetches(context, warehouse, contract, records)
    rows = int(warehouse.store.query_value(f'select count(*) from {RAW_SCHEMA}."{contract.name}"'))
    keys = [key for key in batches if key is not None]
    context.log.info(f"{contract.name}: unchanged since run {event.run_id} (same bytes, same code): not parsed again")
    source = records[0][1].source
    write_check_results(warehouse.paths, context.run_id, f"raw__{contract.name}", [CheckOutcome(
        check_name=CONTRACT_CHECK_NAME, rule_id=CONTRACT_RULE_ID, asset=f"raw/{contract.name}", severity=BLOCKING,
        passed=True, outcome="passed", observed=f"the same bytes and code passed in run {event.run_id}",
        expected=f"every row of raw.{contract.name} holds its contract", failing_rows=0)])
    result_metadata = {**_metadata(context, contract, rows, keys, records, None),
                       "quarantined_rows": 0, CODE_DIGEST_METADATA: code_digest(), "unchanged_since_run": event.run_id}
    return [
        AssetCheckResult(check_name=CONTRACT_CHECK_NAME, passed=True, severity=AssetCheckSeverity.ERROR,
                         metadata={"rows_validated": rows, "quarantined_rows": 0, "validated_in_run": event.run_id,
                                   "source": source}),
        MaterializeResult(metadata=result_metadata, data_version=version),
    ]


def _contract_check_result(context, warehouse, contract: TableContract, source: str, rows: int,
                           quarantine: pd.DataFrame, quarantined_rows: int, rule_failures: list[dict]) -> AssetCheckResult:
    """Quarantine the rows that broke a rule, record the outcome for auditors, and fail the blocking
    contract check (severity ERROR) when anything was quarantined."""
    quarantine_path = write_quarantine(warehouse.paths, warehouse.store, context.run_id, contract.name, quarantine)
    passed = quarantine.empty
    by_rule = {} if passed else quarantine.groupby("rule_id")["row_json"].nunique().to_dict()
    observed = "no row broke a rule" if passed else "; ".join(
        f"{failure['count']} row(s) broke {failure['rule_id']} on {failure['column']}: {failure['check']}"
        + (f" (partition {failure['partition']})" if failure.get("partition") else "")
        for failure in rule_failures)
    write_check_results(warehouse.paths, context.run_id, f"raw__{contract.name}", [CheckOutcome(
        check_name=CONTRACT_CHECK_NAME, rule_id=CONTRACT_RULE_ID if passed else ";".join(sorted(by_rule)),
        asset=f"raw/{contract.name}", severity=BLOCKING, passed=passed, outcome="passed" if passed else "failed",
        observed=observed, expected=f"every row of raw.{contract.name} holds its contract", failing_rows=quarantined_rows)])
    metadata = {"rows_validated": rows + quarantined_rows, "quarantined_rows": quarantined_rows}
    if not passed:
        context.log.error(f"[{source}] {contract.name}: {observed}; quarantined in quality.quarantine and {quarantine_path}")
        metadata.update({
            "quarantined_by_rule": MetadataValue.json(by_rule),
            "rule_failures": MetadataValue.json(json_safe(rule_failures)),
            "quarantine_path": MetadataValue.path(str(quarantine_path)),
        })
    return AssetCheckResult(
        check_name=CONTRACT_CHECK_NAME,
        passed=passed,
        severity=AssetCheckSeverity.ERROR,
        description=None if passed else scrub(f"[{source}] {', '.join(sorted(by_rule))}: {observed}")[:2000],
        metadata=metadata,
    )


def _log_fetches(context, warehouse, contract: TableContract, records: list) -> None:
    if not records:
        # No fetch (an empty file drop) still lands the empty table, but logs nothing: an empty log
        # frame has no columns to append.
        return
    log = pd.DataFrame(
        [{**record.as_dict(), "partition_key": key, "run_id": context.run_id, "table_name": contract.name}
         for key, record in records]
    )
    log["http_status"] = log["http_status"].astype("Int64")
    log["partition_key"] = log["partition_key"].astype("string")
    warehouse.store.append_rows(RAW_SCHEMA, FETCH_LOG_TABLE, log)


def bytes_version(partition_digests) -> DataVersion:
    """A data version from (partition key, sha256) pairs of the bytes landed."""
    return DataVersion(sha256_hex(json.dumps(sorted(set(partition_digests))).encode())[:24])


def _record(fetch: RawFetch, digest: str, raw_path, row_count: int) -> FetchRecord:
    return FetchRecord(
        source=fetch.source,
        mode=fetch.mode,
        url=redact_url(fetch.url),
        parameters=str(fetch.parameters),
        retrieved_at=fetch.retrieved_at,
        http_status=fetch.http_status,
        sha256=digest,
        byte_count=len(fetch.content),
        row_count=row_count,
        licence=fetch.licence,
        citation=fetch.citation,
        raw_path=str(raw_path),
    )


def _metadata(context, contract: TableContract, rows: int, keys: list, records: list[tuple], notes) -> dict:
    """The landing's materialization metadata. A landing of several partitions gives each
    partition's event its own fetches (``add_asset_metadata`` per partition key): Dagster copies a
    range's metadata into every partition's event, so listing the range's fetches there stored them
    once per partition (60 x 60 KB for the Comtrade months)."""
    metadata = {
        "dagster/row_count": rows,
        "warehouse_table": f"{RAW_SCHEMA}.{contract.name}",
    }
    if keys:
        metadata["partitions"] = f"{keys[0]}..{keys[-1]} ({len(keys)})" if len(keys) > 1 else keys[0]
    fetched = [record for _, record in records]
    if len(keys) > 1:
        by_key: dict = {key: [] for key in keys}
        for key, record in records:
            by_key.setdefault(key, []).append(record)
        for key in keys:
            context.add_asset_metadata(_fetch_metadata(by_key[key]), partition_key=key)
        metadata["fetch_count_all_partitions"] = len(fetched)
    else:
        metadata.update(_fetch_metadata(fetched))
    metadata.update(dict(notes or {}))
    return metadata


def _fetch_metadata(records: list[FetchRecord]) -> dict:
    """Where the bytes came from: every fetch, and the first one's fields for the UI's overview."""
    first = records[0] if records else None
    metadata = {
        "fetch_count": len(records),
        # URLs are redacted already; scrubbing again keeps a key a mirror put in a path out of metadata.
        "provenance": MetadataValue.md(scrub(_provenance_table(records))),
        "fetches": MetadataValue.json(scrub_value([record.as_dict() for record in records])),
    }
    if first is not None:
        metadata.update({
            "source": first.source,
            "mode": first.mode,
            "url": MetadataValue.url(first.url) if first.url else "",
            "retrieved_at": first.retrieved_at,
            "http_status": first.http_status if first.http_status is not None else "snapshot",
            "sha256": first.sha256,
            "raw_bytes_path": MetadataValue.path(first.raw_path),
            "byte_count": sum(record.byte_count for record in records),
            "licence": first.licence,
            "citation": first.citation,
        })
    return metadata


def _provenance_table(records: list[FetchRecord]) -> str:
    lines = ["| source | mode | url | retrieved_at | status | rows | sha256 |", "|---|---|---|---|---|---|---|"]
    for record in records:
        status = record.http_status if record.http_status is not None else "snapshot"
        lines.append(f"| {record.source} | {record.mode} | {record.url} | {record.retrieved_at} | {status} "
                     f"| {record.row_count} | `{record.sha256[:16]}…` |")
    return "\n".join(lines)
