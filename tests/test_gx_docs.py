"""warehouse.quality.gx_docs with real Great Expectations and real files (no mocks)."""

import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from warehouse.quality.gx_docs import validate_frames

gxe = pytest.importorskip("great_expectations.expectations")


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "vehicle_id": range(300),
        "market_code": ["CN", "KZ", "PK"] * 100,
        "kg_co2e": [float(i % 50) for i in range(300)],
    })


def _passing():
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToBeUnique(column="vehicle_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="kg_co2e"),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="market_code", value_set=["CN", "KZ", "PK"]),
    ]


def _failing():
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="vehicle_id"),
        gxe.ExpectColumnValuesToBeBetween(column="kg_co2e", min_value=0, max_value=40),
        gxe.ExpectColumnMaxToBeBetween(column="kg_co2e", max_value=10),
    ]


def _batches():
    return {"footprint_ok": (_frame(), _passing()), "footprint_bad": (_frame(), _failing())}


def _stored_results(project_dir: Path) -> list[Path]:
    return sorted((project_dir / "uncommitted" / "validations").rglob("*.json"))


def _site_pages(docs_dir: Path) -> list[Path]:
    return sorted((docs_dir / "validations").rglob("*.html"))


def test_suite_success_and_failed_expectations(tmp_path):
    run = validate_frames(_batches(), tmp_path / "gx", tmp_path / "docs", run_name="run-1")

    assert run.suites["footprint_ok"].success is True
    assert run.suites["footprint_ok"].failed_expectations() == []
    bad = run.suites["footprint_bad"]
    assert bad.success is False
    failed = {entry["expectation"]: entry for entry in bad.failed_expectations()}
    assert set(failed) == {"expect_column_values_to_be_between", "expect_column_max_to_be_between"}
    between = failed["expect_column_values_to_be_between"]
    assert between["column"] == "kg_co2e"
    assert between["kwargs"]["max_value"] == 40 and "batch_id" not in between["kwargs"]
    assert between["observed"]["unexpected_count"] == 9 * 6  # values 41..49, six times each
    assert all(value > 40 for value in between["observed"]["partial_unexpected_list"])
    assert failed["expect_column_max_to_be_between"]["observed"]["observed_value"] == 49
    json.dumps(bad.failed_expectations())  # fit for Dagster JSON metadata (no numpy scalars)


def test_docs_index_lists_both_suites_and_keeps_earlier_runs(tmp_path):
    project_dir, docs_dir = tmp_path / "quality" / "gx", tmp_path / "published" / "data_docs"
    first = validate_frames(_batches(), project_dir, docs_dir, run_name="dagster-run-aaa")

    assert first.docs_index == docs_dir / "index.html"
    index = first.docs_index.read_text()
    assert "footprint_ok" in index and "footprint_bad" in index
    assert "dagster-run-aaa" in index
    assert len(_site_pages(docs_dir)) == 2

    second = validate_frames(_batches(), project_dir, docs_dir, run_name="dagster-run-bbb")

    assert second.docs_index == docs_dir / "index.html" and second.docs_index.is_file()
    index = second.docs_index.read_text()
    assert "dagster-run-aaa" in index and "dagster-run-bbb" in index
    pages = _site_pages(docs_dir)
    assert len(pages) == 4
    assert {page.relative_to(docs_dir / "validations").parts[1] for page in pages} == {"dagster-run-aaa", "dagster-run-bbb"}
    assert not list(docs_dir.parent.glob(".data_docs.*")), "staging/previous directories left behind"


def test_keep_runs_prunes_store_and_site(tmp_path):
    project_dir, docs_dir = tmp_path / "gx", tmp_path / "docs"
    for run_name in ("old-1", "old-2", "newest"):
        validate_frames(_batches(), project_dir, docs_dir, run_name=run_name, keep_runs=1)

    results = _stored_results(project_dir)
    assert len(results) == 2
    assert {path.relative_to(project_dir / "uncommitted" / "validations").parts[1] for path in results} == {"newest"}
    assert not (project_dir / "uncommitted" / "validations" / "footprint_ok" / "old-1").exists()
    index = (docs_dir / "index.html").read_text()
    assert "newest" in index and "old-1" not in index and "old-2" not in index
    assert len(_site_pages(docs_dir)) == 2


def test_changed_expectations_replace_the_suite(tmp_path):
    project_dir = tmp_path / "gx"
    validate_frames({"s": (_frame(), _failing())}, project_dir, tmp_path / "docs", run_name="r1")
    run = validate_frames({"s": (_frame(), _passing())}, project_dir, tmp_path / "docs", run_name="r2")

    assert run.suites["s"].success is True
    stored = json.loads((project_dir / "expectations" / "s.json").read_text())
    assert [e["type"] for e in stored["expectations"]] == [e.expectation_type for e in _passing()]


def test_docs_failure_keeps_validation_results(tmp_path, caplog):
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("a file where the docs folder's parent should be")

    with caplog.at_level(logging.WARNING, logger="warehouse.quality.gx_docs"):
        run = validate_frames(_batches(), tmp_path / "gx", blocker / "data_docs", run_name="r1")

    assert run.docs_index is None
    assert run.suites["footprint_bad"].success is False
    assert len(_stored_results(tmp_path / "gx")) == 2
    assert any("Data Docs not built" in record.getMessage() for record in caplog.records)
