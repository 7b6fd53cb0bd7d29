"""The inputs of ``greenbridge footprint``: the vehicle spec file and the command-line market, year
and lifetime, read and checked field by field, so a bad input fails with a message naming the field
before anything runs (and before the warehouse is opened).

Every number must be finite and inside a plausible range. The ranges are the vehicle catalogue's
contract and the standard's plausibility rules wherever those bound the same quantity, so the
calculator accepts what a catalogue row could hold; the few inputs no contract bounds are bounded
in ``Bound`` constants below, each with its reason.

Checks that need the reference data (known chemistry, market, grid data for a country) are in
``calculator.validation``; this module checks only what a spec, a batch row or the command line can
get wrong. A batch (``calculator.batch``) checks each of its rows with the same ``parse_spec`` and
``check_arguments``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from warehouse.contracts.marts import FCT_VEHICLE_FOOTPRINT
from warehouse.contracts.seeds import VEHICLE_CATALOGUE
from warehouse.contracts.vocabularies import CONSUMPTION_BASES, FUELS, ISO3_PATTERN, POWERTRAINS
from warehouse.quality.rules import BEV_CONSUMPTION_KWH_PER_100KM, CURB_MASS_KG

COMBUSTION_FUELS = ("petrol", "diesel")
_CODE = re.compile(r"[A-Z0-9]{2,8}")
_COUNTRY = re.compile(ISO3_PATTERN)
SEGMENTS = VEHICLE_CATALOGUE.column("segment").allowed_values


class SpecError(ValueError):
    """A spec (or command-line input) that cannot be computed; the message names the field.

    Every message starts with what it names: ``spec field 'consumption.basis' ...``, an option
    (``--market: ...``) or the document (``spec: ...``, ``spec file ...``); ``field`` reads it back."""

    _FIELD = re.compile(r"spec field '([^']+)'|(--[a-z-]+)|(spec)\b")

    @property
    def field(self) -> str:
        """The field the message names: ``curb_mass_kg``, ``consumption.basis``, ``--market``, or
        ``spec`` when it is about the document as a whole."""
        found = self._FIELD.match(str(self))
        return next((group for group in found.groups() if group), "spec") if found else "spec"


@dataclass(frozen=True)
class Bound:
    """The closed range a number must lie in, and where the range comes from (shown in errors)."""

    low: float
    high: float
    unit: str
    basis: str

    def check(self, name: str, value: float) -> float:
        if not self.low <= value <= self.high:
            raise SpecError(f"{name}: must be between {self.low:,g} and {self.high:,g} {self.unit} "
                            f"({self.basis}), got {value:g}")
        return value


def _catalogue(column_name: str) -> Bound:
    column = VEHICLE_CATALOGUE.column(column_name)
    return Bound(column.min_value, column.max_value, column.unit, "the vehicle catalogue's range")


CURB_MASS = Bound(*CURB_MASS_KG, "kg", "DQ-PLAUSIBILITY")
BEV_ELECTRICITY = Bound(*BEV_CONSUMPTION_KWH_PER_100KM, "kWh/100 km", "DQ-PLAUSIBILITY for a BEV")
BATTERY = _catalogue("battery_kwh")
ELECTRIC_RANGE = _catalogue("electric_range_km")
FUEL_CONSUMPTION = _catalogue("fuel_l_per_100km")
ELECTRICITY_CONSUMPTION = _catalogue("electricity_kwh_per_100km")
_YEAR = FCT_VEHICLE_FOOTPRINT.column("registration_year")
REGISTRATION_YEARS = (int(_YEAR.min_value), int(_YEAR.max_value))

# Bounds no contract gives. A --lifetime-km override exists to try lifetimes other than the market
# defaults (seed market_lifetime, contract 50,000-500,000 km), so its range is wider: from a short
# trial (1,000 km) to four times the longest default (2,000,000 km), room for a high-mileage fleet
# car. Outside it the number is a typo or a unit slip, which would otherwise fail only inside dbt.
LIFETIME = Bound(1_000.0, 2_000_000.0, "km", "a plausible car lifetime")
# The model name is only echoed in the output; 200 characters hold any make, model and variant.
# The optional labels of a spec (model_id, make, estimated_fields) are held to the same rule.
MODEL_MAX_CHARS = 200
LABEL_FIELDS = ("model_id", "make", "estimated_fields")
# A spec is a few hundred bytes; reading stops well before a wrong --spec (a log, /dev/zero) is slurped.
SPEC_MAX_BYTES = 64 * 1024
# Characters the model name may not hold: controls (terminal escapes, newlines), format characters
# (bidi overrides and zero-width characters that make a name display as another), lone surrogates
# (not encodable as UTF-8, so printing them would fail) and line/paragraph separators.
_FORBIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")


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


@dataclass(frozen=True)
class SpecLabels:
    """What a spec may say about itself, echoed in a batch's output and never computed with: its id
    (``model_id``), brand (``make``) and which of its values are estimated (``estimated_fields``)."""

    model_id: str | None = None
    make: str | None = None
    estimated_fields: str | None = None


def load_spec(path: Path) -> VehicleSpec:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(SPEC_MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"spec file {path} not found") from None
    except OSError as error:
        raise SpecError(f"spec file {path} cannot be read: {error.strerror}") from None
    if len(raw) > SPEC_MAX_BYTES:
        raise SpecError(f"spec file {path} is larger than {SPEC_MAX_BYTES:,} bytes; expected one vehicle spec")
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SpecError(f"spec file {path} is not UTF-8 text: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise SpecError(f"spec file {path} is not valid JSON: {error}") from None
    except (ValueError, RecursionError) as error:  # an integer of thousands of digits; nesting too deep
        raise SpecError(f"spec file {path} cannot be read as a spec: {error}") from None
    return parse_spec(document)


def check_arguments(market: str, year: int, lifetime_km: float | None) -> tuple[str, int, float | None]:
    """The command line's market (normalised), year and lifetime override, or SpecError naming the option."""
    return check_market(market), check_year(year), check_lifetime(lifetime_km)


def check_market(market: str) -> str:
    """A market code, normalised to upper case."""
    if not isinstance(market, str):
        raise SpecError(f"--market: expected a market code such as IDN or EU27, got {_shown(market)}")
    market = market.strip().upper()
    if not _CODE.fullmatch(market):
        raise SpecError(f"--market: expected a market code such as IDN or EU27, got {_shown(market)}")
    return market


def check_year(year: int) -> int:
    first, last = REGISTRATION_YEARS
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
        raise SpecError(f"--year: expected a registration year between {first} and {last} "
                        f"(the footprint table's range), got {_shown(year)}")
    return year


def check_lifetime(lifetime_km: float | None) -> float | None:
    """A lifetime override (None: the market's default lifetime)."""
    if lifetime_km is not None:
        _finite("--lifetime-km", lifetime_km)
        LIFETIME.check("--lifetime-km", lifetime_km)
    return lifetime_km


def parse_spec(document: object) -> VehicleSpec:
    if not isinstance(document, dict):
        raise SpecError("spec: expected a JSON object")
    consumption = _required(document, "consumption")
    if not isinstance(consumption, dict):
        raise SpecError("spec field 'consumption': expected an object with basis, fuel_l_per_100km, electricity_kwh_per_100km")

    model = _model(document)
    powertrain = _choice(document, "powertrain", POWERTRAINS)
    fuel = _choice(document, "fuel", FUELS)
    basis = _choice(consumption, "basis", CONSUMPTION_BASES, prefix="consumption.")
    curb_mass = _number(document, "curb_mass_kg", CURB_MASS, positive=True)
    battery_kwh = _number(document, "battery_kwh", BATTERY, default=0.0)
    fuel_l = _number(consumption, "fuel_l_per_100km", FUEL_CONSUMPTION, prefix="consumption.", default=0.0)
    electricity = _number(consumption, "electricity_kwh_per_100km", ELECTRICITY_CONSUMPTION, prefix="consumption.",
                          default=0.0)
    electric_range = _number(document, "electric_range_km", ELECTRIC_RANGE, default=None)
    production_country = _country(document, "production_country", required=True)
    chemistry = _code(document, "battery_chemistry", required=battery_kwh > 0)
    battery_country = _country(document, "battery_production_country", required=battery_kwh > 0)
    segment = _segment(document)

    _check_powertrain(powertrain, fuel, basis, battery_kwh, fuel_l, electricity, electric_range)
    return VehicleSpec(
        model=model, powertrain=powertrain, fuel=fuel, curb_mass_kg=curb_mass, battery_kwh=battery_kwh,
        battery_chemistry=chemistry, battery_production_country=battery_country, production_country=production_country,
        consumption_basis=basis, fuel_l_per_100km=fuel_l, electricity_kwh_per_100km=electricity,
        electric_range_km=electric_range, segment=segment,
    )


def _check_powertrain(powertrain: str, fuel: str, basis: str, battery_kwh: float, fuel_l: float,
                      electricity: float, electric_range: float | None) -> None:
    """The fields that must agree with the powertrain."""
    if powertrain == "BEV" and fuel != "electricity":
        raise SpecError(f"spec field 'fuel': a BEV runs on electricity, got {fuel!r}")
    if powertrain != "BEV" and fuel not in COMBUSTION_FUELS:
        raise SpecError(f"spec field 'fuel': a {powertrain} burns petrol or diesel, got {fuel!r}")
    if powertrain == "BEV" and electricity <= 0:
        raise SpecError("spec field 'consumption.electricity_kwh_per_100km': a BEV needs an electricity consumption > 0")
    if powertrain == "BEV":
        BEV_ELECTRICITY.check("spec field 'consumption.electricity_kwh_per_100km'", electricity)
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


def _shown(value: object) -> str:
    """``value`` as an error message quotes it: its repr, cut short (a field may hold megabytes)."""
    try:
        text = repr(value)
    except ValueError:  # an integer past Python's digit limit for conversion to text
        return "an integer too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


def _required(document: dict, field: str, prefix: str = ""):
    if field not in document or document[field] is None:
        raise SpecError(f"spec field '{prefix}{field}' is missing")
    return document[field]


def parse_labels(document: dict) -> SpecLabels:
    """The optional labels of a spec (``LABEL_FIELDS``), each plain text like the model name."""
    return SpecLabels(*(_text(document, field) if document.get(field) not in (None, "") else None
                        for field in LABEL_FIELDS))


def _model(document: dict) -> str:
    _required(document, "model")
    return _text(document, "model")


def _text(document: dict, field: str) -> str:
    """A non-empty text of at most ``MODEL_MAX_CHARS`` without control or format characters, stripped."""
    text = document[field]
    if not isinstance(text, str) or not text.strip():
        raise SpecError(f"spec field '{field}': expected a non-empty text")
    text = text.strip()
    if len(text) > MODEL_MAX_CHARS:
        raise SpecError(f"spec field '{field}': at most {MODEL_MAX_CHARS} characters, got {len(text):,}")
    # Printable ASCII holds none of the forbidden categories (only controls are not printable there).
    forbidden = None if text.isascii() and text.isprintable() else next(
        (char for char in text if unicodedata.category(char) in _FORBIDDEN_CATEGORIES), None)
    if forbidden is not None:
        raise SpecError(f"spec field '{field}': contains the control or format character U+{ord(forbidden):04X}")
    return text


def _choice(document: dict, field: str, allowed: tuple[str, ...], prefix: str = "") -> str:
    value = _required(document, field, prefix)
    if not isinstance(value, str) or value not in allowed:
        raise SpecError(f"spec field '{prefix}{field}': {_shown(value)} is not one of {', '.join(allowed)}")
    return value


def _number(document: dict, field: str, bound: Bound, positive: bool = False, prefix: str = "",
            default: object = ...) -> float | None:
    """A finite number inside ``bound`` (and > 0 when ``positive``, else >= 0), as a float."""
    if default is not ... and document.get(field) is None:
        return default  # type: ignore[return-value]
    name = f"spec field '{prefix}{field}'"
    number = _finite(name, _required(document, field, prefix))
    if number < 0 or (positive and number == 0):
        raise SpecError(f"{name}: must be {'>' if positive else '>='} 0, got {number:g}")
    return bound.check(name, number)


def _finite(name: str, value: object) -> float:
    """``value`` as a finite float: JSON and the command line also carry booleans, NaN, infinities
    and integers too large for a float (OverflowError), none of which is a quantity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(f"{name}: expected a number, got {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise SpecError(f"{name}: expected a finite number, got an integer too large for a float") from None
    if not math.isfinite(number):
        raise SpecError(f"{name}: expected a finite number, got {number}")
    return number


def _code(document: dict, field: str, required: bool, pattern: re.Pattern = _CODE,
          example: str = "an upper-case code such as NMC811 or LFP") -> str | None:
    value = document.get(field)
    if value is None or value == "":
        if required:
            raise SpecError(f"spec field '{field}' is missing")
        return None
    # fullmatch: re.match with ^...$ would accept a trailing newline ("CHN\n").
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise SpecError(f"spec field '{field}': expected {example}, got {_shown(value)}")
    return value


def _country(document: dict, field: str, required: bool) -> str | None:
    return _code(document, field, required, _COUNTRY, "an ISO 3166-1 alpha-3 country code such as CHN")


def _segment(document: dict) -> str | None:
    segment = document.get("segment")
    if segment is None or segment == "":
        return None
    if segment not in SEGMENTS:
        raise SpecError(f"spec field 'segment': {_shown(segment)} is not one of {', '.join(SEGMENTS)}")
    return segment
