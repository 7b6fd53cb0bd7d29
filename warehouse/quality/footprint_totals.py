"""What a footprint's total is: the sum of the stages its row lists in ``core_boundary_stages``
(seed life_cycle_stages decides which stages are inside the core boundary). dbt computes the
totals; the DQ-STAGES rule and the tests recompute them with this one definition."""

from __future__ import annotations

from warehouse.contracts.vocabularies import LIFE_CYCLE_STAGES


def core_boundary_sum(frame, stage_column: str = "{stage}_kg_co2e"):
    """Row-wise sum of the stages each row lists in core_boundary_stages (the definition of total)."""
    listed = frame["core_boundary_stages"].str.split(";")
    return sum(
        frame[stage_column.format(stage=stage)].where(listed.apply(lambda stages, s=stage: s in stages), 0)
        for stage in LIFE_CYCLE_STAGES
    )
