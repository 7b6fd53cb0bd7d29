"""Validate a frame against its contract and report failures people can act on.

A failure names the table, the column, the rule and a sample of the offending values, e.g.
``raw.owid_energy__grid_carbon_intensity: column carbon_intensity_elec_g_per_kwh failed
less_than_or_equal_to(1300) for 1 row(s): [5000.0]``.
"""

from __future__ import annotations

import pandas as pd

from warehouse.contracts.schema import TableContract

MAX_SAMPLES = 5


class ContractViolation(ValueError):
    """A frame broke its table contract. ``failures`` is one dict per (column, rule)."""

    def __init__(self, table: str, failures: list[dict]):
        self.table = table
        self.failures = failures
        lines = [
            f"{table}: column {failure['column']} failed {failure['check']} for "
            f"{failure['count']} row(s): {failure['examples']}"
            for failure in failures
        ]
        super().__init__("contract violated\n  " + "\n  ".join(lines))


def validate_frame(contract: TableContract, frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame coerced to the contract's types, or raise ``ContractViolation``."""
    import pandera.errors

    try:
        return contract.to_pandera().validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        raise ContractViolation(contract.name, summarise_failure_cases(errors.failure_cases)) from None


def summarise_failure_cases(failure_cases: pd.DataFrame) -> list[dict]:
    failures = []
    cases = failure_cases.copy()
    cases["column"] = cases["column"].fillna("<table>").astype(str)
    cases["check"] = cases["check"].astype(str)
    for (column, check), group in cases.groupby(["column", "check"], sort=True):
        examples = group["failure_case"].drop_duplicates().head(MAX_SAMPLES).tolist()
        failures.append({"column": column, "check": check, "count": int(len(group)), "examples": examples})
    return failures
