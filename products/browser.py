"""Headless Chromium (Debian's ``chromium`` package) as the products' print engine and test browser.

The PDF of a report is Chromium's print of the report's HTML (``print_to_pdf``): one content, two
renderings. Every call blocks the network: any http(s) request goes to a closed port on 127.0.0.1,
so a page that needed another host would show it (the tests look for failed requests). Install:
``apt-get install chromium`` as root (``make pdf-engine`` does it; ``.ci/run`` installs it too).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "chromium-headless-shell", "google-chrome")
TIMEOUT_S = 120
INSTALL_HINT = "install Debian's headless Chromium: `sudo apt-get install chromium` (or `make pdf-engine`)"


class ChromiumMissing(RuntimeError):
    """No Chromium on PATH: a PDF cannot be printed."""


def find_chromium() -> str:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    raise ChromiumMissing(f"no Chromium on PATH ({', '.join(CHROMIUM_NAMES)}): {INSTALL_HINT}")


def run_chromium(url: str, *mode: str, virtual_time_ms: int = 5000, window: str = "1200,900") -> subprocess.CompletedProcess:
    """Run headless Chromium on ``url`` with ``mode`` flags (``--dump-dom``, ``--print-to-pdf=...``,
    ``--screenshot=...``); raises RuntimeError with Chromium's stderr when it fails."""
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="greenbridge-chromium-") as profile:
        completed = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
             "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", f"--user-data-dir={profile}",
             f"--window-size={window}", f"--virtual-time-budget={virtual_time_ms}", *mode, url],
            capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"chromium failed on {url} (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return completed


def print_to_pdf(html_file: Path, pdf_file: Path) -> Path:
    """Print a local HTML file to PDF (A4 as the page's @page rule sets it, no header or footer)."""
    pdf_file.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(Path(html_file).resolve().as_uri(), "--no-pdf-header-footer", f"--print-to-pdf={pdf_file}")
    if not pdf_file.is_file() or pdf_file.read_bytes()[:5] != b"%PDF-":
        raise RuntimeError(f"chromium wrote no PDF for {html_file}")
    return pdf_file


def dump_dom(url: str) -> str:
    """The DOM after the page's scripts ran, as HTML."""
    return run_chromium(url, "--dump-dom").stdout


def screenshot(url: str, png_file: Path, window: str = "1200,1600") -> Path:
    png_file.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(url, f"--screenshot={png_file}", window=window)
    return png_file
