"""The vocabularies every layer shares: powertrains, fuels, test cycles, battery chemistries,
confidence tags, the markets and the life-cycle stages."""

from __future__ import annotations

POWERTRAINS = ("ICEV", "HEV", "PHEV", "BEV")
FUELS = ("petrol", "diesel", "electricity")
CONSUMPTION_BASES = ("WLTP", "NEDC", "CLTC", "EPA", "REAL_WORLD")
CHEMISTRIES = ("LFP", "NMC622", "NMC811", "NCA", "LMO", "NMC")
# Confidence of a seed value: V read in the source; V2 second-hand; D derived; R not confirmed (estimated).
CONFIDENCE_TAGS = ("V", "V2", "D", "R")
ISO3_PATTERN = r"^[A-Z]{3}$"

MARKET_CODES = ("CHN", "IDN", "THA", "SGP", "HUN", "POL", "ZAF", "PAK", "RUS", "EU27", "USA")
# The six reported stages (without the totals), in report order.
LIFE_CYCLE_STAGES = ("raw_materials", "production", "fuel_production", "fuel_use", "maintenance", "end_of_life")
