"""The store backend of the published GX Data Docs site: offline pages, each written whole.

Belongs here: how the site's files reach the disk. GX's ``HtmlSiteStore`` writes every page, the
index and its static files through the site's ``store_backend``; ``gx_docs.py`` configures this
class there (``module_name``/``class_name``, GX's documented extension point). Compared with GX's
``TupleFilesystemStoreBackend`` it

- points every HTML page and stylesheet at the shipped scripts, styles and fonts
  (``offline_docs.localize``) and installs them into the site before the first page is written,
  so a page never loads from a CDN;
- writes each file beside its target and renames it over it, so a reader sees the previous or the
  new page, never a half-written one;
- removes the folders a removed page leaves empty (GX's ``rrmdir`` never does: it tests a
  generator's truth value), so pruned runs leave no empty folders in the site.

Does not belong here: running GX (``gx_docs.py``). Imported only by GX while it builds the Data
Docs (this module imports GX's store classes, which takes seconds the first time).
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from great_expectations.data_context.store.tuple_store_backend import TupleFilesystemStoreBackend

from warehouse.quality.offline_docs import install_assets, localize

logger = logging.getLogger(__name__)

LOCALIZED_SUFFIXES = (".html", ".css")


class OfflineSiteStoreBackend(TupleFilesystemStoreBackend):
    """``TupleFilesystemStoreBackend`` for a Data Docs site that works without network access."""

    def _set(self, key, value, **kwargs):
        if not isinstance(key, tuple):
            key = key.to_tuple()
        relative = self._convert_key_to_filepath(key)
        path = Path(self.full_base_directory) / relative
        if relative.endswith(LOCALIZED_SUFFIXES):
            text = value.decode("utf-8") if isinstance(value, bytes) else value
            if relative.endswith(".html"):
                install_assets(Path(self.full_base_directory))
            text, remote = localize(text, depth=len(Path(relative).parts) - 1)
            if remote:
                logger.warning("GX Data Docs page %s still loads from the network: %s", relative, ", ".join(sorted(set(remote))))
            value = text
        data = value.encode("utf-8") if isinstance(value, str) else value
        path.parent.mkdir(parents=True, exist_ok=True)
        # The suffix keeps GX's list_keys (which filters on .html) from ever listing a leftover.
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return str(path)

    def rrmdir(self, mroot, curpath) -> None:
        """Remove ``curpath`` and its parents while empty, up to (not including) ``mroot``."""
        root, current = Path(mroot).absolute(), Path(curpath).absolute()
        while current != root and root in current.parents:
            try:
                current.rmdir()
            except OSError:  # not empty, or gone
                return
            current = current.parent
