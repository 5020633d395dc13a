"""PNG screenshots of the HTML pages, beside them, with the system's headless Chromium.

``make demo`` runs ``python -m contracts.report.screenshot reports/demo/*.html``
so a reader sees what the pages look like without opening them. Chromium's
own ``--screenshot`` is enough for a first screen (no driver, no package to
install); without a Chromium the step is one line saying so, never a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SIZES = {"": (1280, 1000), "-390": (390, 844)}  # a laptop's first screen, and a phone's


def find_chromium() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def shoot(browser: str, html: Path, png: Path, width: int, height: int, timeout: float = 60.0) -> bool:
    """One screenshot of the page's first screen; False when Chromium did not write it."""
    args = [browser, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--mute-audio",
            f"--window-size={width},{height}", f"--screenshot={png}", html.resolve().as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox (containers, CI)
    png.unlink(missing_ok=True)
    try:
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def screenshots(pages: Sequence[Path], browser: str) -> list[Path]:
    """``report.html`` -> ``report.png`` (1,280 px) and ``report-390.png`` (a phone), beside it."""
    written = []
    for html in pages:
        for suffix, (width, height) in SIZES.items():
            png = html.with_name(f"{html.stem}{suffix}.png")
            if shoot(browser, html, png, width, height):
                written.append(png)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    pages = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    missing = [str(p) for p in pages if not p.is_file()]
    if missing:
        print(f"screenshot: no such page: {', '.join(missing)}", file=sys.stderr)
        return 2
    browser = find_chromium()
    if browser is None:
        print("screenshots skipped: no chromium on PATH (apt-get install chromium)")
        return 0
    written = screenshots(pages, browser)
    for png in written:
        print(f"wrote {png}")
    if len(written) < len(pages) * len(SIZES):
        print(f"screenshots: {browser} wrote {len(written)} of {len(pages) * len(SIZES)}")
    return 0


__all__ = ["BROWSERS", "SIZES", "find_chromium", "main", "screenshots", "shoot"]

if __name__ == "__main__":
    raise SystemExit(main())
