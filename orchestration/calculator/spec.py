"""The vehicle spec file of ``greenbridge footprint``: reading it and checking every field, so a bad
spec fails with a message naming the field before anything runs.

Checks that need the warehouse (known chemistry, market, grid data for a country) are in
``calculator.reference``; this module checks only what the file itself can get wrong.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from warehouse.contracts.tables import CONSUMPTION_BASES, FUELS, POWERTRAINS

COMBUSTION_FUELS = ("petrol", "diesel")
_CODE = re.compile(r"^[A-Z0-9]{2,8}$")


class SpecError(ValueError):
    """A spec (or command-line input) that cannot be computed; the message names the field."""


@dataclass(frozen=True)
class VehicleSpec:
    model: str
    powertrain: str
    fuel: str
    curb_mass_kg: float
    battery_kwh: float
    battery_chemistry: str | None
    battery_production_country: str | None
    production_country: str
    consumption_basis: str
    fuel_l_per_100km: float
    electricity_kwh_per_100km: float
    electric_range_km: float | None
    segment: str | None = None


def load_spec(path: Path) -> VehicleSpec:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"spec file {path} not found") from None
    except json.JSONDecodeError as error:
        raise SpecError(f"spec file {path} is not valid JSON: {error}") from None
    return parse_spec(document)


def parse_spec(document: object) -> VehicleSpec:
    if not isinstance(document, dict):
        raise SpecError("spec: expected a JSON object")
    consumption = _required(document, "consumption")
    if not isinstance(consumption, dict):
        raise SpecError("spec field 'consumption': expected an object with basis, fuel_l_per_100km, electricity_kwh_per_100km")

    model = _required(document, "model")
    if not isinstance(model, str) or not model.strip():
        raise SpecError("spec field 'model': expected a non-empty text")
    powertrain = _choice(document, "powertrain", POWERTRAINS)
    fuel = _choice(document, "fuel", FUELS)
    basis = _choice(consumption, "basis", CONSUMPTION_BASES, prefix="consumption.")
    curb_mass = _number(document, "curb_mass_kg", minimum=0, exclusive=True)
    battery_kwh = _number(document, "battery_kwh", minimum=0, default=0.0)
    fuel_l = _number(consumption, "fuel_l_per_100km", minimum=0, prefix="consumption.", default=0.0)
    electricity = _number(consumption, "electricity_kwh_per_100km", minimum=0, prefix="consumption.", default=0.0)
    electric_range = _number(document, "electric_range_km", minimum=0, default=None)
    production_country = _code(document, "production_country", required=True)
    chemistry = _code(document, "battery_chemistry", required=battery_kwh > 0)
    battery_country = _code(document, "battery_production_country", required=battery_kwh > 0)
    segment = document.get("segment")
    if segment is not None and (not isinstance(segment, str) or not re.match(r"^[a-z_]*$", segment)):
        raise SpecError(f"spec field 'segment': expected a segment such as medium_suv, got {segment!r}")

    if powertrain == "BEV" and fuel != "electricity":
        raise SpecError(f"spec field 'fuel': a BEV runs on electricity, got {fuel!r}")
    if powertrain != "BEV" and fuel not in COMBUSTION_FUELS:
        raise SpecError(f"spec field 'fuel': a {powertrain} burns petrol or diesel, got {fuel!r}")
    if powertrain == "BEV" and electricity <= 0:
        raise SpecError("spec field 'consumption.electricity_kwh_per_100km': a BEV needs an electricity consumption > 0")
    if powertrain == "BEV" and fuel_l > 0:
        raise SpecError("spec field 'consumption.fuel_l_per_100km': a BEV burns no fuel; expected 0")
    if powertrain != "BEV" and fuel_l <= 0:
        raise SpecError(f"spec field 'consumption.fuel_l_per_100km': a {powertrain} needs a fuel consumption > 0")
    if powertrain in ("ICEV", "HEV") and electricity > 0:
        raise SpecError(f"spec field 'consumption.electricity_kwh_per_100km': a {powertrain} is not charged from the grid; expected 0")
    if powertrain in ("BEV", "PHEV") and battery_kwh <= 0:
        raise SpecError(f"spec field 'battery_kwh': a {powertrain} needs a traction battery > 0 kWh")
    if powertrain == "PHEV" and basis != "REAL_WORLD":
        if electric_range is None or electric_range <= 0:
            raise SpecError("spec field 'electric_range_km': a PHEV needs its electric range (> 0 km) to split "
                            "charge-depleting and charge-sustaining driving")
        if electricity <= 0:
            raise SpecError("spec field 'consumption.electricity_kwh_per_100km': a PHEV needs its electricity consumption > 0")
    return VehicleSpec(
        model=model.strip(), powertrain=powertrain, fuel=fuel, curb_mass_kg=curb_mass, battery_kwh=battery_kwh,
        battery_chemistry=chemistry, battery_production_country=battery_country, production_country=production_country,
        consumption_basis=basis, fuel_l_per_100km=fuel_l, electricity_kwh_per_100km=electricity,
        electric_range_km=electric_range, segment=segment if isinstance(segment, str) and segment else None,
    )


def _required(document: dict, field: str, prefix: str = ""):
    if field not in document or document[field] is None:
        raise SpecError(f"spec field '{prefix}{field}' is missing")
    return document[field]


def _choice(document: dict, field: str, allowed: tuple[str, ...], prefix: str = "") -> str:
    value = _required(document, field, prefix)
    if value not in allowed:
        raise SpecError(f"spec field '{prefix}{field}': {value!r} is not one of {', '.join(allowed)}")
    return value


def _number(document: dict, field: str, minimum: float, exclusive: bool = False, prefix: str = "",
            default: object = ...) -> float | None:
    if default is not ... and document.get(field) is None:
        return default  # type: ignore[return-value]
    value = _required(document, field, prefix)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SpecError(f"spec field '{prefix}{field}': expected a number, got {value!r}")
    if value < minimum or (exclusive and value == minimum):
        relation = ">" if exclusive else ">="
        raise SpecError(f"spec field '{prefix}{field}': must be {relation} {minimum:g}, got {value:g}")
    return float(value)


def _code(document: dict, field: str, required: bool) -> str | None:
    value = document.get(field)
    if value is None or value == "":
        if required:
            raise SpecError(f"spec field '{field}' is missing")
        return None
    if not isinstance(value, str) or not _CODE.match(value):
        raise SpecError(f"spec field '{field}': expected an upper-case code such as CHN or NMC811, got {value!r}")
    return value
