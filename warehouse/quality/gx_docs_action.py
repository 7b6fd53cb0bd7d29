"""The GX validation action that renders one validation's Data Docs pages without rebuilding the
site's index.

GX's ``UpdateDataDocsAction`` renders a validation's pages and then rebuilds the whole index, which
reads every stored result (~0.4 s per checkpoint on this machine, seven checkpoints per refresh).
``warehouse/quality/gx_docs.py`` gives every checkpoint of a call but the last this action and the
last GX's own ``UpdateDataDocsAction``, so the pages of each validation are written by its
checkpoint and the index once. Importing this module registers the action type with GX, which a
stored checkpoint naming it needs (gx_docs imports it before it reads a checkpoint).
"""

from __future__ import annotations

from typing import Literal

from great_expectations.checkpoint import UpdateDataDocsAction


class UpdateDataDocsPagesAction(UpdateDataDocsAction):
    """``UpdateDataDocsAction`` without the index rebuild (see the module docstring)."""

    type: Literal["update_data_docs_pages"] = "update_data_docs_pages"

    def _build_data_docs(self, site_names: list[str] | None = None, resource_identifiers: list | None = None) -> dict:
        return self._resolve_context().context.build_data_docs(
            site_names=site_names, resource_identifiers=resource_identifiers, dry_run=False, build_index=False)
