"""`make demo`'s screenshots: PNGs beside the pages, or one line saying why not."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from contracts.report import screenshot


def _size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
@pytest.mark.skipif(screenshot.find_chromium() is None, reason="no chromium on PATH (.ci/run installs it)")
def test_screenshots_land_beside_the_page(clean_report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert screenshot.main([str(clean_report)]) == 0
    written = {clean_report.with_name(f"report{suffix}.png"): size for suffix, size in screenshot.SIZES.items()}
    for png, (width, _) in written.items():
        assert _size(png)[0] == width
    assert capsys.readouterr().out.splitlines() == [f"wrote {png}" for png in written]


def test_without_chromium_it_is_one_line_and_no_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "index.html"
    page.write_text("<!doctype html><title>t</title>")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert screenshot.main([str(page)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "no chromium" in out
    assert not list(tmp_path.glob("*.png"))


def test_a_missing_page_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert screenshot.main([str(tmp_path / "absent.html")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
