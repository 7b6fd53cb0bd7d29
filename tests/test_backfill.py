"""Backfilling partitions offline through the CLI: three monthly trade partitions land in one
run with a fetch-log row each, a later range leaves them in place, and bad ranges are refused
with a message that says why."""

import duckdb

from orchestration.cli import main as greenbridge_main

EXPORTS = "raw/comtrade__china_car_exports"


def _query(data_dir, sql):
    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def test_backfill_three_monthly_trade_partitions_offline(tmp_path, capsys):
    data_dir = tmp_path / "data"
    assert greenbridge_main(["backfill", EXPORTS, "2024-10..2024-12", "--data-dir", str(data_dir)]) == 0
    output = capsys.readouterr().out
    assert f"== {EXPORTS} 2024-10..2024-12" in output and "comtrade__china_car_exports: " in output
    months = _query(data_dir, "select month, count(*) from raw.comtrade__china_car_exports group by 1 order by 1")
    # 2024-12 holds the transcribed partner rows as well as the World row.
    assert [month for month, _ in months] == ["2024-10", "2024-11", "2024-12"]
    assert dict(months)["2024-10"] == 1 and dict(months)["2024-12"] > 20
    world_units = _query(data_dir, "select quantity_units from raw.comtrade__china_car_exports where month = '2024-11' and partner_code = 0")
    assert world_units == [(575923.0,)]
    log = _query(data_dir, "select partition_key, source, mode, length(sha256) from raw.raw_fetch_log order by 1")
    assert log == [("2024-10", "comtrade", "snapshot", 64), ("2024-11", "comtrade", "snapshot", 64), ("2024-12", "comtrade", "snapshot", 64)]

    # Another range is added beside the first, and re-landing a month replaces only that month.
    assert greenbridge_main(["refresh", "--select", EXPORTS, "--partition", "2024-09..2024-10", "--data-dir", str(data_dir)]) == 0
    months = _query(data_dir, "select month, count(*) from raw.comtrade__china_car_exports group by 1 order by 1")
    assert [month for month, _ in months] == ["2024-09", "2024-10", "2024-11", "2024-12"]
    assert dict(months)["2024-10"] == 1


def test_unknown_partition_is_a_usage_error(tmp_path, capsys):
    exit_code = greenbridge_main(["backfill", EXPORTS, "2019-01..2019-03", "--data-dir", str(tmp_path / "data")])
    assert exit_code == 2
    assert "partition '2019-01' does not exist; partitions run 2020-01.." in capsys.readouterr().err


def test_partition_range_must_run_forwards(tmp_path, capsys):
    assert greenbridge_main(["backfill", EXPORTS, "2024-12..2024-10", "--data-dir", str(tmp_path / "data")]) == 2
    assert "runs backwards" in capsys.readouterr().err


def test_month_missing_from_the_snapshot_fails_naming_source_and_month(tmp_path, capsys):
    assert greenbridge_main(["backfill", EXPORTS, "2025-01", "--data-dir", str(tmp_path / "data")]) == 1
    assert "[comtrade] the snapshot holds no data for month 2025-01" in capsys.readouterr().out


def test_partition_on_an_unpartitioned_asset_is_refused(tmp_path, capsys):
    exit_code = greenbridge_main(["refresh", "--select", "raw/worldbank__indicators", "--partition", "2024",
                                  "--data-dir", str(tmp_path / "data")])
    assert exit_code == 2
    assert "not partitioned: raw/worldbank__indicators" in capsys.readouterr().err
