"""The units vocabulary: every unit a contract column or a parameter row may state, spelled one way.

A contract column naming a unit outside it fails at import; a seed row (emission factor, method
parameter) naming one fails its contract. Add a unit here, with its spelling, before using it.
"""

UNITS = frozenset({
    # amounts and counts
    "count", "cycles", "rows", "vehicles", "persons", "months", "year", "years", "mm", "cm3", "km", "km/year", "kg", "L", "kWh", "MJ",
    "lb/vehicle", "USD", "%", "fraction", "fraction of distance", "multiplier", "score 1-5",
    # consumption and vehicle properties
    "L/100 km", "kWh/100 km", "Wh/km", "mi/US gal", "kWh/kg", "Wh/kg", "kWh/kWh", "MJ/kWh", "MJ/kg", "kg/L",
    # emissions and emission factors
    "g CO2/km", "g CO2e/km", "g CO2e/kWh", "g CO2e/MJ", "kg CO2e/vehicle", "kg CO2e/kWh", "kg CO2e/kg",
    "kg CO2e/L", "kg CO2/MJ", "kg CO2/TJ", "kg CH4/TJ", "kg N2O/TJ", "t CO2e", "t CO2e per capita", "g CO2/mile",
    "g CO2/Wh",
    # money: the currencies market rules state amounts in, rates of a price, and amounts per g/km
    "EUR", "SGD", "THB", "ZAR", "IDR", "CNY", "PKR", "RUB", "HUF", "PLN", "LCU per US$",
    "EUR per g CO2/km per vehicle", "ZAR per g CO2/km",
})
