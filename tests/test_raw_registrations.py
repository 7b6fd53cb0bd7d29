"""Registrations dropped as files: the CSV parser, the folder fetch, and the asset as Dagster
materializes it (no folder -> empty table; files -> rows and one fetch-log row each; a contract
violation fails the run and leaves the previous table as it was)."""

import os

import duckdb
import pytest
from dagster import AssetCheckSeverity, materialize

from connectors import registration_files
from connectors.errors import SchemaDriftError, SourceError
from orchestration.assets.raw_registrations import raw_registrations__by_model_month
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.settings import Settings
from warehouse.contracts.raw_registrations import RAW_REGISTRATIONS_BY_MODEL_MONTH
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

NODE = "raw__registrations__by_model_month"
GAIKINDO = (
    "model_id,market_code,month,registrations,publisher,note\n"
    "byd_atto_3,IDN,2024-11,1203,GAIKINDO,wholesales\n"
    "byd_seal, IDN ,2024-12, 87 ,GAIKINDO,\n"
)
PZPM = (
    "\ufeffpublisher,month,market_code,model_id,registrations\n"
    "PZPM/CEPiK,2024-12,POL,mg_4_electric,412\n"
)


def _resources(tmp_path, registrations_dir=None):
    return {"sources": SourcesResource(snapshot_dir=str(DEFAULT_SNAPSHOT_DIR), registrations_dir=registrations_dir),
            "warehouse": WarehouseResource(data_dir=str(tmp_path / "data"))}


def _query(tmp_path, sql):
    with duckdb.connect(str(tmp_path / "data" / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def test_parse_reads_the_columns_and_ignores_extra_ones():
    frame = registration_files.parse(GAIKINDO.encode())
    assert list(frame.columns) == list(registration_files.COLUMNS)
    assert frame.to_dict("records") == [
        {"model_id": "byd_atto_3", "market_code": "IDN", "month": "2024-11", "registrations": 1203, "publisher": "GAIKINDO"},
        {"model_id": "byd_seal", "market_code": "IDN", "month": "2024-12", "registrations": 87, "publisher": "GAIKINDO"},
    ]
    assert str(frame["registrations"].dtype) == "int64"
    # Column order does not matter; a UTF-8 byte-order mark (as Excel writes) is dropped.
    assert registration_files.parse(PZPM.encode()).iloc[0]["publisher"] == "PZPM/CEPiK"


def test_a_missing_column_is_schema_drift_naming_the_field():
    content = GAIKINDO.replace("publisher", "source").encode()
    with pytest.raises(SchemaDriftError) as raised:
        registration_files.parse(content)
    assert raised.value.field == "publisher" and raised.value.source == "registration_files"
    assert "'publisher'" in str(raised.value)


@pytest.mark.parametrize("bad", ["1.203", "12a", "1,203", "12.5"])
def test_a_registrations_value_that_is_no_whole_number_names_the_field_and_row_not_the_value(bad):
    content = GAIKINDO.replace("1203", f'"{bad}"').encode()
    with pytest.raises(SourceError, match=r"'registrations'.*data row\(s\) 1 \(values not shown\)") as raised:
        registration_files.parse(content)
    assert bad not in str(raised.value), str(raised.value)


def test_fetch_directory_one_fetch_per_csv_sorted_and_missing_folder_is_empty(tmp_path):
    assert registration_files.fetch_directory(tmp_path / "nowhere") == []
    (tmp_path / "b_pol.csv").write_text(PZPM)
    (tmp_path / "a_idn.csv").write_text(GAIKINDO)
    (tmp_path / "readme.txt").write_text("not a registrations file")
    os.utime(tmp_path / "a_idn.csv", (1_735_689_600, 1_735_689_600))  # 2025-01-01T00:00:00Z
    fetches = registration_files.fetch_directory(tmp_path)
    assert [fetch.parameters for fetch in fetches] == [{"file": "a_idn.csv"}, {"file": "b_pol.csv"}]
    first = fetches[0]
    assert first.mode == "file" and first.source == "registration_files" and first.http_status is None
    assert first.url == (tmp_path / "a_idn.csv").resolve().as_uri()
    assert first.retrieved_at == "2025-01-01T00:00:00+00:00"
    assert first.content == GAIKINDO.encode() and "publisher" in first.licence


def test_settings_default_the_folder_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("GREENBRIDGE_REGISTRATIONS_DIR", raising=False)
    settings = Settings(data_dir=tmp_path / "data", snapshot_dir=DEFAULT_SNAPSHOT_DIR)
    assert settings.registrations_inbox == (tmp_path / "data" / "inbox" / "registrations").resolve()
    monkeypatch.setenv("GREENBRIDGE_REGISTRATIONS_DIR", str(tmp_path / "drop"))
    assert Settings.from_env().registrations_inbox == (tmp_path / "drop").resolve()


def test_no_folder_lands_an_empty_table_with_the_contract_columns(tmp_path):
    result = materialize([raw_registrations__by_model_month], resources=_resources(tmp_path))
    assert result.success
    metadata = result.asset_materializations_for_node(NODE)[0].metadata
    assert metadata["dagster/row_count"].value == 0 and metadata["fetch_count"].value == 0
    columns = _query(tmp_path, "select column_name, data_type from information_schema.columns "
                               "where table_schema = 'raw' and table_name = 'registrations__by_model_month' "
                               "order by ordinal_position")
    assert [name for name, _ in columns] == RAW_REGISTRATIONS_BY_MODEL_MONTH.column_names
    assert dict(columns)["registrations"] == "BIGINT" and dict(columns)["model_id"] == "VARCHAR"
    assert _query(tmp_path, "select count(*) from raw.registrations__by_model_month") == [(0,)]


def test_two_files_land_their_rows_and_one_fetch_log_row_each(tmp_path):
    inbox = tmp_path / "data" / "inbox" / "registrations"  # the default folder, under the data dir
    inbox.mkdir(parents=True)
    (inbox / "gaikindo_2024-12.csv").write_text(GAIKINDO)
    (inbox / "pzpm_2024-12.csv").write_text(PZPM)
    result = materialize([raw_registrations__by_model_month], resources=_resources(tmp_path))
    assert result.success
    metadata = result.asset_materializations_for_node(NODE)[0].metadata
    assert metadata["dagster/row_count"].value == 3 and metadata["mode"].value == "file"
    rows = _query(tmp_path, "select model_id, market_code, month, registrations, publisher "
                            "from raw.registrations__by_model_month order by model_id")
    assert rows == [("byd_atto_3", "IDN", "2024-11", 1203, "GAIKINDO"), ("byd_seal", "IDN", "2024-12", 87, "GAIKINDO"),
                    ("mg_4_electric", "POL", "2024-12", 412, "PZPM/CEPiK")]
    log = _query(tmp_path, "select source, mode, parameters, row_count, http_status, table_name from raw.raw_fetch_log "
                           "order by parameters")
    assert log == [("registration_files", "file", "{'file': 'gaikindo_2024-12.csv'}", 2, None, "registrations__by_model_month"),
                   ("registration_files", "file", "{'file': 'pzpm_2024-12.csv'}", 1, None, "registrations__by_model_month")]
    traced = _query(tmp_path, "select count(*) from raw.registrations__by_model_month r "
                              "join raw.raw_fetch_log l on r.source_sha256 = l.sha256")
    assert traced == [(3,)]


def test_a_row_breaking_the_contract_is_quarantined_and_fails_the_blocking_check(tmp_path):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    (inbox / "gaikindo.csv").write_text(GAIKINDO)
    resources = _resources(tmp_path, registrations_dir=str(inbox))
    assert materialize([raw_registrations__by_model_month], resources=resources).success
    before = _query(tmp_path, "select * from raw.registrations__by_model_month order by all")

    (inbox / "naamsa.csv").write_text("model_id,market_code,month,registrations,publisher\n"
                                      "chery_tiggo_4_pro,ZAF,2024-12,-5,NAAMSA\n")
    result = materialize([raw_registrations__by_model_month], resources=resources, raise_on_error=False)
    assert not result.success
    evaluation = result.get_asset_check_evaluations()[0]
    assert not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR
    assert "registration_files" in evaluation.description and "registrations" in evaluation.description
    assert "greater_than_or_equal_to(0)" in evaluation.description and "-5" in evaluation.description
    assert evaluation.metadata["quarantined_rows"].value == 1
    # The good rows land; the bad one is kept in quarantine with its rule, never dropped.
    assert _query(tmp_path, "select * from raw.registrations__by_model_month order by all") == before
    assert _query(tmp_path, "select rule_id, column_name, failing_value, table_name from quality.quarantine") == [
        ("DQ-CONTRACT", "registrations", "-5", "registrations__by_model_month")]


def test_a_bad_number_in_a_dropped_file_fails_naming_the_file_and_the_row(tmp_path):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    (inbox / "gaikindo.csv").write_text(GAIKINDO.replace("1203", "12a"))
    result = materialize([raw_registrations__by_model_month], resources=_resources(tmp_path, str(inbox)),
                         raise_on_error=False)
    assert not result.success
    error = next(event for event in result.all_events if event.is_step_failure).step_failure_data.error
    cause = error.cause.message if error.cause else error.message
    assert "'registrations'" in cause and "data row(s) 1" in cause and "gaikindo.csv" in cause
    assert "12a" not in cause
    assert not (tmp_path / "data" / "warehouse" / "greenbridge.duckdb").exists(), "nothing should be written"
