-- World Bank indicators per country and year, one column per indicator with its unit in the name.
select
    country_wb_id,
    country_iso3,
    country_name,
    cast(year as integer) as year,
    max(value) filter (where indicator_id = 'SP.POP.TOTL') as population_persons,
    max(value) filter (where indicator_id = 'NY.GDP.MKTP.CD') as gdp_current_usd,
    max(value) filter (where indicator_id = 'EN.GHG.CO2.PC.CE.AR5') as co2_per_capita_t,
    max(value) filter (where indicator_id = 'PA.NUS.FCRF') as official_exchange_rate_lcu_per_usd,
    string_agg(distinct source_sha256, ';') as source_sha256s
from {{ source('raw', 'worldbank__indicators') }}
group by all
