{#-
  The footprint method as `greenbridge footprint` runs it (orchestration/calculator/method.py):
  footprint_method over the input relation __greenbridge_calculator_input, which the calculator
  registers in DuckDB as an Arrow table of validated specs (one row per spec x market x year, the
  columns of int_footprint__catalogue_inputs). dbt compiles it (refs resolved to fully-qualified
  relations, listed in this node's depends_on); it is never run by dbt.
-#}
{{ footprint_method('__greenbridge_calculator_input') }}
