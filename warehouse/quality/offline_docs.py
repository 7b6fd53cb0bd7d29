"""The GX Data Docs offline: the scripts, styles and fonts their pages load from CDNs, shipped here.

Belongs here: which CDN URL of GX's page templates maps to which shipped file
(``data_docs_assets/``, licences and sources in its README.md, checksums in SHA256SUMS), rewriting a
generated page or stylesheet to load them by relative paths, and copying them into a site
(``<site>/static/vendor/``). Does not belong here: running GX or configuring the site
(``gx_docs.py``), writing the site's files (``gx_site_store.py``, which calls ``localize`` on every
page it writes). Imports no GX.

The URLs are those of the installed GX (1.24) templates ``render/view/templates/*.j2`` (``vega@5``,
``vega-lite@5`` and ``vega-embed@6`` are ranges; the files are the newest releases in them). A GX
upgrade that references another URL leaves it remote; ``localize`` reports it, and
tests/test_gx_docs.py fails on any remote script or stylesheet in a built site.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
CHECKSUMS_FILE = "SHA256SUMS"
# Where a site keeps its copy, relative to the site root (beside GX's own static/ files).
SITE_ASSETS_DIR = "static/vendor"
STAMP_FILE = ".installed"

# CDN URL in GX's templates -> file under data_docs_assets/. Where a template links the
# unminified stylesheet, the package's minified build of the same file is used.
CDN_ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap-4.3.1/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap-4.3.1/dist/js/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table-1.19.1/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table-1.19.1/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker-1.9.0/dist/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-dark-1.1.0/dist/css/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome-free-6.6.0/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js-1.12.9/dist/umd/popper.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/build/vega-embed.min.js",
}

# GX's logo: the navbar <img> and the dark-mode stylesheet load it from GX's S3 bucket (the <img>
# with the data context id in its query string). GX ships the light logo in the site's static/images/;
# the dark one it does not, so dark mode shows the light logo too.
GX_IMAGES_URL = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
GX_IMAGES = {"logo-long.png": "static/images/logo-long.png", "full_logo_dark.png": "static/images/logo-long.png"}

_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(r"""\b(src|href)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
# Subresource integrity and CORS mode are for third-party hosts; a browser refuses both for file:// pages.
_CDN_ONLY_ATTRIBUTES = re.compile(r"""\s+(?:integrity|crossorigin)(?:\s*=\s*(["']).*?\1)?""", re.IGNORECASE | re.DOTALL)
_SITE_STATIC = re.compile(r"^(?:\.{1,2}/)*(static/(?:images|styles|fonts)/[^?#]+)$")
_GX_IMAGE = re.compile(re.escape(GX_IMAGES_URL) + r"""([A-Za-z0-9_.-]+)(?:\?[^"')\s]*)?""")


def localize(text: str, depth: int) -> tuple[str, list[str]]:
    """``text`` (an HTML page or a stylesheet ``depth`` folders below the site root) with every known
    CDN script and stylesheet, and GX's logo, loaded from the site's own files by relative paths
    (without the CDN tags' ``integrity``/``crossorigin``), links to GX's own ``static/`` files given
    the page's real depth; and the remote script/stylesheet URLs left as they were (none with the
    installed GX)."""
    prefix = "../" * depth
    remote: list[str] = []

    def tag(match: re.Match) -> str:
        original = match.group(0)
        attribute = _URL_ATTRIBUTE.search(original)
        if attribute is None:
            return original
        url = attribute.group(3).strip()
        start, end = attribute.span(3)
        site_file = _SITE_STATIC.match(url)
        if site_file:
            # GX's own static files (favicon): GX's template climbs one folder too few on validation pages.
            return original[:start] + prefix + site_file.group(1) + original[end:]
        local = CDN_ASSETS.get(url)
        if local is None:
            if re.match(r"(?:https?:)?//", url):
                remote.append(url)
            return original
        rewritten = original[:start] + f"{prefix}{SITE_ASSETS_DIR}/{local}" + original[end:]
        return _CDN_ONLY_ATTRIBUTES.sub("", rewritten)

    def image(match: re.Match) -> str:
        local = GX_IMAGES.get(match.group(1))
        return prefix + local if local else match.group(0)

    text = _TAG.sub(tag, text)
    return _GX_IMAGE.sub(image, text), remote


def install_assets(site_dir: Path) -> bool:
    """Copy the shipped assets into ``site_dir/static/vendor/`` unless this set is there already
    (a stamp holds the checksum file's sha256); True if it copied. Each file is written beside its
    target and renamed over it, the stamp last."""
    target = Path(site_dir) / SITE_ASSETS_DIR
    checksums = (ASSETS_DIR / CHECKSUMS_FILE).read_bytes()
    stamp = hashlib.sha256(checksums).hexdigest()
    if is_installed(site_dir, stamp):
        return False
    wanted = [*_checksummed_files(checksums), CHECKSUMS_FILE, "README.md"]
    for relative in wanted:
        _copy_atomic(ASSETS_DIR / relative, target / relative)
    # Files of an earlier set (other versions) go; the site loads only this one.
    for path in sorted(target.rglob("*"), reverse=True):
        if path.is_file() and str(path.relative_to(target)) not in {*wanted, STAMP_FILE}:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    _write_atomic(target / STAMP_FILE, stamp.encode())
    return True


def is_installed(site_dir: Path, stamp: str | None = None) -> bool:
    """Whether ``site_dir`` holds this set of shipped assets (pages built before it do not load them)."""
    if stamp is None:
        stamp = hashlib.sha256((ASSETS_DIR / CHECKSUMS_FILE).read_bytes()).hexdigest()
    try:
        return (Path(site_dir) / SITE_ASSETS_DIR / STAMP_FILE).read_text() == stamp
    except OSError:
        return False


def _checksummed_files(checksums: bytes) -> list[str]:
    return [line.split(maxsplit=1)[1].strip() for line in checksums.decode().splitlines() if line.strip()]


def _copy_atomic(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
