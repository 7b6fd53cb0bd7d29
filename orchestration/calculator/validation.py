"""Validation against the reference: can the published reference data price a request? The market
must be one the footprints are computed for, the chemistry one with battery factors, and every
grid the method reads (market, production country, battery production country) must have a series
starting no later than the registration year. Failures are ``SpecError``s naming the field, like
every other bad input (spec.py).

What these checks need is small and is written into the reference when it is built (``VOCABULARY``:
one query per table over the warehouse's models, run at publish time), so a check reads three tiny
tables of the same reference file the method runs against, never the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.calculator.spec import SpecError, VehicleSpec

# Reference table -> (the query building it at publish time, over {model} placeholders, and the models
# it reads). The schema ``calculator`` is the reference's own (reference.py).
VOCABULARY = {
    "calculator.markets": ("select distinct market_code from {stg_parameters__markets}", ("stg_parameters__markets",)),
    "calculator.battery_chemistries": ("select distinct battery_chemistry from {int_batteries__chemistry_factors}",
                                       ("int_batteries__chemistry_factors",)),
    "calculator.grid_series": ("select area_code, min(year) as first_year from {int_grid__intensity_series} group by area_code",
                               ("int_grid__intensity_series",)),
}


@dataclass(frozen=True)
class Vocabulary:
    """What the reference can price."""

    markets: frozenset[str]
    chemistries: frozenset[str]
    first_grid_year: dict[str, int]

    @classmethod
    def read(cls, connection, catalog: str) -> "Vocabulary":
        """Read from the reference attached as ``catalog`` (a plain identifier, see reference.py)."""
        def column(table: str) -> frozenset[str]:
            return frozenset(value for (value,) in connection.execute(f'select * from "{catalog}".{table}').fetchall())

        return cls(
            markets=column("calculator.markets"),
            chemistries=column("calculator.battery_chemistries"),
            first_grid_year=dict(connection.execute(f'select area_code, first_year from "{catalog}".calculator.grid_series').fetchall()),
        )


def check_against_reference(spec: VehicleSpec, market: str, year: int, vocabulary: Vocabulary) -> None:
    """Fail naming the field when the reference cannot price ``spec`` in ``market`` and ``year``."""
    if market not in vocabulary.markets:
        raise SpecError(f"--market: unknown market {market!r}; known: {', '.join(sorted(vocabulary.markets))}")
    if spec.battery_chemistry is not None and spec.battery_chemistry not in vocabulary.chemistries:
        raise SpecError(f"spec field 'battery_chemistry': unknown chemistry {spec.battery_chemistry!r}; "
                        f"known: {', '.join(sorted(vocabulary.chemistries))}")
    for field, area in (("--market", market), ("production_country", spec.production_country),
                        ("battery_production_country", spec.battery_production_country if spec.battery_kwh > 0 else None)):
        if area is None:
            continue
        first = vocabulary.first_grid_year.get(area)
        if first is None:
            raise SpecError(f"{_name(field)}: no grid carbon intensity for {area!r} in the reference data")
        if first > year:
            raise SpecError(f"{_name(field)}: the grid series of {area!r} starts in {first}, after --year {year}")


def _name(field: str) -> str:
    return field if field.startswith("--") else f"spec field '{field}'"
