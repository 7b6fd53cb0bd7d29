"""The standard's data-quality rules: one registry of rule ids, what each requires, its declared
severity and where it comes from, plus the thresholds a deployment may tune
(``GREENBRIDGE_DQ_*`` environment variables). Checks, quarantine rows, the results table and the
README's auditor section all name rules by these ids.

The physical plausibility bounds are facts of the method (shared/docs/method-reference.md §5.6 and
§6.4), not settings, and live here once: the raw contracts' row rules and the GX suites both read them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

BLOCKING = "blocking"
WARNING = "warning"

# Carbon balance: tank-to-wheel g CO2/km divided by L/100 km (method-reference.md §5.6 item 8, §6.4).
CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM = {"petrol": (22.0, 24.5), "diesel": (25.5, 27.5)}
BEV_CONSUMPTION_KWH_PER_100KM = (10.0, 30.0)
CURB_MASS_KG = (600.0, 3500.0)
GRID_INTENSITY_G_PER_KWH = (0.0, 1300.0)


def _bounds(low: float, high: float) -> str:
    return f"{low:,g}-{high:,g}"


# DQ-PLAUSIBILITY's requirement, stated from the bounds above (the checks and contracts read them too).
_PLAUSIBILITY_REQUIREMENT = (
    "Carbon balance " + " and ".join(f"{fuel} {_bounds(*band)}" for fuel, band in CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM.items())
    + f" g CO2/km per L/100 km; BEV {_bounds(*BEV_CONSUMPTION_KWH_PER_100KM)} kWh/100 km; curb mass "
    f"{_bounds(*CURB_MASS_KG)} kg; grid intensity {_bounds(*GRID_INTENSITY_G_PER_KWH)} g/kWh; battery footprint within "
    "the cited range of its chemistry"
)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    title: str
    requirement: str
    severity: str
    source: str


@dataclass(frozen=True)
class QualitySettings:
    """Tunable thresholds; defaults follow the method reference."""

    cut_off_limit_share: float = 0.05
    cut_off_severity: str = WARNING
    temporal_warn_years_beyond_validity: int = 2
    temporal_fail_years_beyond_validity: int = 6
    dqr_threshold: float = 3.0
    dqr_severity: str = WARNING

    def severity_of(self, rule_id: str) -> str:
        """The severity a rule is declared with: configured here for cut-off and DQR, else the registry's."""
        configured = {"DQ-CUTOFF": self.cut_off_severity, "DQ-DQR": self.dqr_severity}
        return configured.get(rule_id) or rule(rule_id).severity

    @classmethod
    def from_env(cls, environ=None) -> "QualitySettings":
        environ = os.environ if environ is None else environ
        defaults = cls()

        def read(name: str, cast, default):
            raw = environ.get(f"GREENBRIDGE_DQ_{name}", "").strip()
            if not raw:
                return default
            try:
                value = cast(raw)
            except ValueError:
                raise ValueError(f"GREENBRIDGE_DQ_{name}={raw!r} is not a valid {cast.__name__}") from None
            if cast is str and value not in (BLOCKING, WARNING):
                raise ValueError(f"GREENBRIDGE_DQ_{name}={raw!r}: expected {BLOCKING!r} or {WARNING!r}")
            return value

        return cls(
            cut_off_limit_share=read("CUT_OFF_LIMIT", float, defaults.cut_off_limit_share),
            cut_off_severity=read("CUT_OFF_SEVERITY", str, defaults.cut_off_severity),
            temporal_warn_years_beyond_validity=read("TEMPORAL_WARN_YEARS", int, defaults.temporal_warn_years_beyond_validity),
            temporal_fail_years_beyond_validity=read("TEMPORAL_FAIL_YEARS", int, defaults.temporal_fail_years_beyond_validity),
            dqr_threshold=read("DQR_THRESHOLD", float, defaults.dqr_threshold),
            dqr_severity=read("DQR_SEVERITY", str, defaults.dqr_severity),
        )


RULES: dict[str, Rule] = {rule.rule_id: rule for rule in (
    Rule("DQ-CONTRACT", "Table contract",
         "Every raw, parameter, staging and mart table has its contract's columns, types, units vocabulary, "
         "ISO 3166 codes, ranges and unique key; raw rows breaking a row-level rule are quarantined",
         BLOCKING, "Greenbridge table contracts (warehouse/contracts)"),
    Rule("DQ-STAGES", "Completeness of stages",
         "Every footprint row has every stage of the core boundary, none null or silently zero; battery stages "
         "present for every xEV and charging electricity for every plug-in (PHEV, BEV); every catalogue model has "
         "a row in every market and year",
         BLOCKING, "method-reference.md §5.6 item 1"),
    Rule("DQ-PRICED", "Every component priced",
         "Every component of every footprint's ledger (fct_footprint_component) whose activity is not zero has its "
         "factor and parameters, so a missing factor fails naming the footprint, the component and the factor "
         "instead of pricing it at zero",
         BLOCKING, "ISO 14067 §6.3 (data for all unit processes in the system boundary); method-reference.md §5.6 item 1"),
    Rule("DQ-CUTOFF", "Cut-off",
         "Emissions left out of a footprint's reported total stay under the limit (default 5%), and every row "
         "that leaves anything out names the stages",
         WARNING, "PACT v2 exemptedEmissionsPercent 0-5%; method-reference.md §5.1, §5.6 item 2"),
    Rule("DQ-TEMPORAL", "Temporal representativeness",
         "No dataset carrying >5% of a footprint is more than the warning (default 2) / failure (default 6) "
         "years beyond its time validity; footprints past their validity window are flagged",
         BLOCKING, "PEF TiR (Recommendation (EU) 2021/2279); PACT validity period; method-reference.md §5.6 item 3"),
    Rule("DQ-GEOGRAPHY", "Geographical representativeness",
         "The grid intensity used for a market is the market's own, or a declared proxy named in seed grid_proxies",
         BLOCKING, "PEF GeR; method-reference.md §5.6 item 4"),
    Rule("DQ-DQR", "Data quality rating",
         "Every footprint row has a DQR over the inputs carrying >5% of it (their coverage reported), a quality "
         "level and a primary data share; a DQR above the threshold (default 3.0) is reported at the configured severity",
         WARNING, "PEF DQR = (TeR+GeR+TiR+P)/4; PACT dqi and primaryDataShare; method-reference.md §5.2, §5.6 item 5"),
    Rule("DQ-PLAUSIBILITY", "Physical plausibility",
         _PLAUSIBILITY_REQUIREMENT,
         BLOCKING, "method-reference.md §5.6 item 8, §6.4; Ankathi et al. 2024 (battery ranges)"),
    Rule("DQ-FRESHNESS", "Source freshness",
         "A source that failed to land in a refresh is published from its last good data only while that landing "
         "is within the source's freshness window (orchestration/freshness.py), and is then named as stale; past "
         "the window, with no good landing, or with rows that broke its contract, the publication is blocked",
         WARNING, "standard.md data-quality requirements (time validity); Greenbridge operations (issue 13)"),
    Rule("DQ-RECONCILIATION", "Reconciliation",
         "Loaded source data agree with independent reference figures within each reference's tolerance",
         BLOCKING, "shared/docs/sources.md (China HS 8703 exports); shared/docs/standard.md (2021 study figures)"),
)}


def rule(rule_id: str) -> Rule:
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown data-quality rule {rule_id!r}; known: {sorted(RULES)}") from None
