"""The Definitions the Dagster UI loads (workspace.yaml): settings from the environment."""

from orchestration.build import build_defs

defs = build_defs()
