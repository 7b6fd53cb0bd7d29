"""Validate a frame against its contract and report failures people can act on.

A failure names the table, the column, the rule and a sample of the offending values, e.g.
``raw.owid_energy__grid_carbon_intensity: column carbon_intensity_elec_g_per_kwh failed
less_than_or_equal_to(1300) for 1 row(s): [5000.0]``.

``split_by_contract`` is the landing form: rows breaking a row-level rule (a range, a pattern, a
duplicate key, a value of the wrong type, a row rule such as the carbon balance) are separated with
the rule and reason for quarantine; a table-level break (a missing column) still raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from warehouse.contracts.schema import TableContract

MAX_SAMPLES = 5
# Rule id of a column rule or key of the contract; row rules carry their own (e.g. DQ-PLAUSIBILITY).
CONTRACT_RULE_ID = "DQ-CONTRACT"
# Name of the asset check (and of its data_quality_results rows) that holds a table to its contract:
# raw tables while they land, seeds, staging models and marts in the data-quality step.
CONTRACT_CHECK_NAME = "contract"
ROW_COLUMN = "<row>"


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


@dataclass
class ContractSplit:
    """The rows that hold (coerced to the contract's types), and the rows that broke a rule."""

    valid: pd.DataFrame
    # One row per (row index of the input frame, rule): index, rule_id, column_name, reason, failing_value.
    reasons: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["index", "rule_id", "column_name", "reason", "failing_value"]))
    failures: list[dict] = field(default_factory=list)

    @property
    def quarantined_count(self) -> int:
        return int(self.reasons["index"].nunique())


def split_by_contract(contract: TableContract, frame: pd.DataFrame) -> ContractSplit:
    """Separate the rows breaking a row-level rule; raise ``ContractViolation`` for a table-level break."""
    import pandera.errors

    schema = contract.to_pandera()
    try:
        return ContractSplit(valid=schema.validate(frame, lazy=True))
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    row_cases = cases[cases["index"].notna()]
    if row_cases.empty:
        raise ContractViolation(contract.name, summarise_failure_cases(cases))
    bad_index = pd.Index(row_cases["index"].unique())
    remaining = frame.drop(index=bad_index)
    try:
        valid = schema.validate(remaining, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        # What is left still breaks the contract: a missing column, a whole column of another type.
        raise ContractViolation(contract.name, summarise_failure_cases(errors.failure_cases)) from None
    # pandera reports a frame-level check under its error text, once per column: fold those into one
    # reason per row and rule.
    row_rules = {text: rule for rule in contract.row_rules for text in (rule.rule_id, rule.description)}
    records = []
    for column, check, value, index in zip(row_cases["column"], row_cases["check"].astype(str),
                                           row_cases["failure_case"], row_cases["index"]):
        rule = row_rules.get(check)
        if rule is not None:
            records.append((index, rule.rule_id, ROW_COLUMN, f"{contract.name}: row breaks {rule.rule_id}: {rule.description}", None))
        else:
            records.append((index, CONTRACT_RULE_ID, str(column), _reason(contract, str(column), check, value), value))
    reasons = pd.DataFrame(records, columns=["index", "rule_id", "column_name", "reason", "failing_value"])
    reasons = reasons.drop_duplicates(subset=["index", "rule_id", "column_name"])
    return ContractSplit(valid=valid, reasons=reasons, failures=_summarise_reasons(reasons, frame))


def _reason(contract: TableContract, column: str, check: str, value) -> str:
    if check == "multiple_fields_uniqueness":
        return f"{contract.name}: duplicate key {contract.primary_key} (column {column} = {value!r})"
    shown = repr(value) if isinstance(value, str) else str(value)
    return f"{contract.name}: column {column} failed {check} with value {shown}"


def _summarise_reasons(reasons: pd.DataFrame, frame: pd.DataFrame) -> list[dict]:
    """One entry per (rule, column): how many rows broke it and a few examples (the offending values,
    or for a row rule the offending rows)."""
    failures = []
    for (rule_id, column), group in reasons.groupby(["rule_id", "column_name"], sort=True):
        if column == ROW_COLUMN:
            examples = [frame.loc[index].to_dict() for index in group["index"].head(MAX_SAMPLES)]
        else:
            examples = group["failing_value"].drop_duplicates().head(MAX_SAMPLES).tolist()
        failures.append({"rule_id": rule_id, "column": column, "check": group["reason"].iloc[0],
                         "count": int(group["index"].nunique()), "examples": examples})
    return failures
