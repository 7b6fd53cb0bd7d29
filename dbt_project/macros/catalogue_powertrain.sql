{#-
  The catalogue powertrain (warehouse/contracts/vocabularies.py POWERTRAINS) a sales powertrain
  (SALES_POWERTRAINS, the split of carsales, GAIKINDO and LTA) counts: ICEV for every combustion
  split (diesel, petrol, lpg, ice), HEV, PHEV, BEV one to one; null where the publisher's split has
  no single catalogue powertrain ('hybrid' = HEV + PHEV not split, 'other').
-#}
{% macro catalogue_powertrain(sales_powertrain) -%}
case
    when {{ sales_powertrain }} in ('diesel', 'petrol', 'lpg', 'ice') then 'ICEV'
    when {{ sales_powertrain }} = 'hev' then 'HEV'
    when {{ sales_powertrain }} = 'phev' then 'PHEV'
    when {{ sales_powertrain }} = 'bev' then 'BEV'
end
{%- endmacro %}
