"""Both HTML pages in headless Chromium, at a laptop's width and a phone's.

Debian's ``chromium`` driven by Playwright (``executable_path``: Playwright
cannot download its own browsers here). What a reader meets is asserted as a
browser computes it: no sideways scrolling, no console error (a script the
page's policy refuses is one), every ``#anchor`` lands, names never split
inside a word, the filters hide what they should, the page still reads with
scripts off and prints without its controls.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from contracts.core.audit import audit
from contracts.core.spec import load_specs
from contracts.report import docs

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTHS = (1280, 390)
ERR_RED = "rgb(180, 35, 24)"  # --err in html.py


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (.ci/run installs it with apt-get)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    specs = load_specs([ROOT / "specs"])
    return docs.write(specs, audit(specs), tmp_path_factory.mktemp("reference"))


class Opened:
    """A page loaded at one width, with every console error and uncaught exception it produced."""

    def __init__(self, browser: Any, path: Path, width: int, *, script: bool = True) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser: Any) -> Iterator[Any]:
    pages: list[Opened] = []

    def open_(path: Path, width: int, **kw: Any) -> Opened:
        pages.append(Opened(browser, path, width, **kw))
        return pages[-1]

    yield open_
    for p in pages:
        p.close()


OVERFLOW = "[document.scrollingElement.scrollWidth, innerWidth]"
DANGLING = """[...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'))
  .filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))"""
# A name may wrap only at its <wbr>s: each text piece between them lies on one line (one client rect).
SPLIT_NAMES = """[...document.querySelectorAll('.name')].flatMap(el => [...el.childNodes]
  .filter(n => n.nodeType === 3 && n.textContent.length > 1).map(n => {const r = document.createRange();
  r.selectNodeContents(n); const rects = [...r.getClientRects()].filter(x => x.width > 0);
  return rects.length > 1 ? el.textContent + ' splits inside ' + n.textContent : null}).filter(Boolean))"""
MATRIX_ROWS_ON_TWO_LINES = """[...document.querySelectorAll('table.matrix tbody th')].map(th => {
  const r = document.createRange(); r.selectNodeContents(th);
  return [th.textContent, new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size]})
  .filter(([, lines]) => lines !== 1)"""
VISIBLE_CAUSES = """[...document.querySelectorAll('ol.causes > li')].filter(li => li.offsetParent !== null)
  .map(li => ({...li.dataset}))"""


def _pages(broken_report: Path, clean_report: Path, reference: Path) -> list[Path]:
    return [broken_report, clean_report, reference]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_overflow_no_console_error_every_anchor_lands(opened: Any, width: int, broken_report: Path,
                                                         clean_report: Path, reference: Path) -> None:
    for path in _pages(broken_report, clean_report, reference):
        page = opened(path, width)
        scroll, inner = page.js(OVERFLOW)
        assert scroll <= inner, f"{path.name} is {scroll} px wide in a {inner} px window"
        assert page.js(DANGLING) == [], path
        assert page.errors == [], path


@pytest.mark.parametrize("width", WIDTHS)
def test_names_never_split_inside_a_word(opened: Any, width: int, broken_report: Path, reference: Path) -> None:
    for path in (broken_report, reference):
        page = opened(path, width)
        page.page.click("[data-all=open]") if path == broken_report else None
        assert page.js(SPLIT_NAMES) == [], path
    # the one that was reported ("ListBatchTas|ks"): each operation of the matrix is on one line, whatever its markup
    for width in WIDTHS:
        page = opened(broken_report, width)
        assert page.js(MATRIX_ROWS_ON_TWO_LINES) == []


def test_badge_colours_follow_severity(opened: Any, clean_report: Path, broken_report: Path) -> None:
    colours = "[...document.querySelectorAll('.badges .badge')].map(b => [b.textContent, getComputedStyle(b).backgroundColor])"
    clean = dict(opened(clean_report, 1280).js(colours))
    assert set(clean) == {"0 errors", "0 warnings", "0 info"}
    assert ERR_RED not in clean.values()
    broken = dict(opened(broken_report, 1280).js(colours))
    errors = next(v for k, v in broken.items() if k.endswith("errors"))
    assert errors == ERR_RED


def test_the_filters_hide_the_other_findings(opened: Any, broken_report: Path) -> None:
    page = opened(broken_report, 1280)
    every = page.js(VISIBLE_CAUSES)
    assert len({c["severity"] for c in every}) >= 2 and len({c["operation"] for c in every}) >= 2
    page.page.uncheck("#filters input[value=error]")
    shown = page.js(VISIBLE_CAUSES)
    assert shown and all(c["severity"] != "error" for c in shown) and len(shown) < len(every)
    page.page.click("#filters button[type=reset]")
    op = every[0]["operation"]
    page.page.select_option("#filters select[name=operation]", op)
    shown = page.js(VISIBLE_CAUSES)
    assert {c["operation"] for c in shown} == {op} and len(shown) == sum(c["operation"] == op for c in every)
    check = shown[-1]["check"]
    page.page.select_option("#filters select[name=check]", check)
    shown = page.js(VISIBLE_CAUSES)
    assert shown and {(c["operation"], c["check"]) for c in shown} == {(op, check)}
    assert "of" in page.page.inner_text("#filters output")
    page.page.select_option("#filters select[name=operation]", "")
    page.page.select_option("#filters select[name=check]", "")
    page.page.click("[data-all=open]")
    assert page.js("[...document.querySelectorAll('details.finding')].every(d => d.open)")
    page.page.click("[data-all=close]")
    assert page.js("[...document.querySelectorAll('details.finding')].every(d => !d.open)")
    assert page.errors == []


def test_a_matrix_cell_opens_its_cause(opened: Any, broken_report: Path) -> None:
    page = opened(broken_report, 1280)
    link = page.page.locator("table.matrix a[data-operation]").first
    target = link.get_attribute("href")[1:]
    page.page.uncheck("#filters input[value=error]")  # even when the filters hid it
    page.page.uncheck("#filters input[value=warning]")
    link.click()
    # the page opens it on hashchange, which the browser fires after the click returns
    page.page.wait_for_function("id => {const d = document.getElementById(id); return d.open && d.offsetParent "
                                "!== null}", arg=target, timeout=10_000)
    skip = page.page.locator("table.matrix .badge.skip").first
    assert skip.get_attribute("title")


def test_readable_with_scripts_off(opened: Any, broken_report: Path, reference: Path) -> None:
    page = opened(broken_report, 390, script=False)
    assert page.js(OVERFLOW)[0] <= 390
    assert page.js("getComputedStyle(document.getElementById('filters')).display") == "none"
    summaries = page.js("[...document.querySelectorAll('details.finding > summary')].map(s => s.innerText)")
    assert summaries and all(" at " in s for s in summaries)  # each cause readable without opening it
    ref = opened(reference, 390, script=False)
    assert ref.js("getComputedStyle(document.getElementById('filters')).display") == "none"
    assert ref.js("document.querySelectorAll('nav.toc a').length") > 5


def test_print_hides_the_controls(opened: Any, broken_report: Path, reference: Path) -> None:
    for path in (broken_report, reference):
        page = opened(path, 1280)
        page.page.emulate_media(media="print")
        assert page.js("getComputedStyle(document.getElementById('filters')).display") == "none"
    pdf = opened(broken_report, 1280).page.pdf()
    assert pdf[:4] == b"%PDF"


def test_reference_filter_and_cjk_font(opened: Any, reference: Path) -> None:
    page = opened(reference, 1280)
    sections = "[...document.querySelectorAll('section.op')].filter(s => s.offsetParent !== null).map(s => s.id)"
    every = page.js(sections)
    assert len(every) >= 5
    page.page.fill("#filter", "batch tasks")
    assert page.js(sections) == ["op-ListBatchTasks"]
    toc = page.js("[...document.querySelectorAll('nav.toc li[data-op]')].filter(l => l.offsetParent !== null)"
                  ".map(l => l.dataset.op)")
    assert toc == ["op-ListBatchTasks"]
    page.page.fill("#filter", "no such operation")
    assert page.js(sections) == [] and page.page.is_visible("#nomatch")
    page.page.fill("#filter", "")
    assert page.js(sections) == every
    font = page.js("getComputedStyle(document.querySelector('[lang^=zh]')).fontFamily")
    assert "Noto Sans CJK SC" in font
    # the table that made the page 1,344 px wide in a 1,280 px window now fits or scrolls in its box
    widths = page.js("""[...document.querySelectorAll('#op-ListBatchTasks .table-wrap')]
        .map(w => [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right])""")
    assert widths and all(right <= 1280 for _, _, right in widths)
    assert page.errors == []
