# Greenbridge: `make run` installs everything (from uv.lock) and refreshes offline; `make test` runs the tests.
# `make install` also prepares the dbt manifest the Dagster Definitions read (they never parse on import).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test bench dagster docs-contracts clean crash-test pdf-engine

$(TOOLS)/bin/uv:
	@echo "uv not found: installing uv $(UV_VERSION) into $(TOOLS)/ from the package registry"
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(if $(filter $(TOOLS)/bin/uv,$(UV)),$(TOOLS)/bin/uv)
	$(UV) sync --frozen --compile-bytecode
	$(UV) run --frozen python -m orchestration.dbt_project

run: install
	$(UV) run greenbridge refresh

test: install
	$(UV) run pytest

bench: install
	$(UV) run python -m tests.benchmarks.refresh_benchmark --write BENCHMARKS.md
	$(UV) run python -m tests.benchmarks.validation_share_benchmark --write BENCHMARKS.md
	$(UV) run python -m tests.benchmarks.market_footprint_benchmark --write BENCHMARKS.md
	$(UV) run python -m tests.benchmarks.contract_validation_benchmark --write BENCHMARKS.md
	$(UV) run python -m tests.benchmarks.calculator_benchmark --write BENCHMARKS.md

# Crash trials (tests/crash_harness.py): 50 SIGKILLs of greenbridge refresh across its phases, results in BENCHMARKS.md.
crash-test: install
	$(UV) run python -m tests.crash_harness --kills 50 --write BENCHMARKS.md

# The UI opens the instance `greenbridge refresh` records its runs in (<data>/dagster/, or DAGSTER_HOME,
# which orchestration.instance prints when set). If that step fails, so does the target: dagster dev
# never falls back to a temporary instance that would show no run.
dagster: install
	home="$$($(UV) run --frozen python -m orchestration.instance)" && DAGSTER_HOME="$$home" $(UV) run dagster dev -w workspace.yaml

# The PDF of a report is headless Chromium's print of its HTML (products/browser.py): Debian's package,
# installed as root (sudo when not root). The HTML and JSON reports need nothing of it.
pdf-engine:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" -eq 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; fi

docs-contracts: install
	$(UV) run python -m warehouse.contracts.dbt_properties

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache
