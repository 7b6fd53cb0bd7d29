"""Row rules of physical plausibility the raw contracts apply while landing (rows breaking them are
quarantined): the carbon balance of combustion cars in the type-approval sources. The bounds are in
warehouse/quality/rules.py; the same rule on the footprints runs as a GX suite."""

from __future__ import annotations

import pandas as pd

from warehouse.contracts.schema import RowRule
from warehouse.quality.rules import CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM

LITRES_PER_100KM_TIMES_MPG = 235.214583  # 100 km/L per mpg (US gallon 3.785411784 L, mile 1.609344 km)
COMBUSTION_POWERTRAINS = ("ICEV", "HEV")


def carbon_balance_holds(co2_g_per_km: pd.Series, fuel_l_per_100km: pd.Series, fuel: pd.Series) -> pd.Series:
    """True where g CO2/km / (L/100 km) is within the fuel's band, or the rule does not apply
    (another fuel, or either value missing or zero)."""
    ratio = co2_g_per_km / fuel_l_per_100km.where(fuel_l_per_100km > 0)
    holds = pd.Series(True, index=co2_g_per_km.index)
    for fuel_name, (low, high) in CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM.items():
        applies = (fuel == fuel_name) & ratio.notna() & (co2_g_per_km > 0)
        holds &= ~applies | ratio.between(low, high)
    return holds.fillna(True).astype(bool)


def _band_text() -> str:
    return ", ".join(f"{fuel} {low}-{high}" for fuel, (low, high) in CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM.items())


def _eea_holds(frame: pd.DataFrame) -> pd.Series:
    fuel = frame["fuel_type"].astype("string").str.lower()
    applies = frame["powertrain"].isin(COMBUSTION_POWERTRAINS)
    holds = carbon_balance_holds(frame["mean_wltp_co2_g_per_km"].astype("float64"),
                                 frame["mean_fuel_l_per_100km"].astype("float64"), fuel)
    return holds | ~applies


EPA_FUELS = {"Regular": "petrol", "Premium": "petrol", "Midgrade": "petrol", "Gasoline or E85": "petrol", "Diesel": "diesel"}


def _epa_holds(frame: pd.DataFrame) -> pd.Series:
    fuel = frame["fuel_type"].map(EPA_FUELS)
    applies = frame["powertrain"].isin(COMBUSTION_POWERTRAINS)
    mpg = frame["combined_mpg"].astype("float64")
    litres = LITRES_PER_100KM_TIMES_MPG / mpg.where(mpg > 0)
    holds = carbon_balance_holds(frame["tailpipe_co2_g_per_km"].astype("float64"), litres, fuel)
    return holds | ~applies


EEA_CARBON_BALANCE = RowRule(
    "DQ-PLAUSIBILITY",
    f"carbon balance: mean WLTP g CO2/km / mean L/100 km of a petrol or diesel ICEV/HEV within {_band_text()}",
    _eea_holds,
)
EPA_CARBON_BALANCE = RowRule(
    "DQ-PLAUSIBILITY",
    f"carbon balance: tailpipe g CO2/km / (235.2 / combined mpg) of a petrol or diesel ICEV/HEV within {_band_text()}",
    _epa_holds,
)
