"""The HTML report in headless Chromium: no errors, filters, pagination, source view, screenshot.

Needs Debian's ``/usr/bin/chromium`` and the ``playwright`` Python package (no
``playwright install``). Skipped when either is missing, except when ``CI`` is
set, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_fixtures as rf

from auditor.render.html import write_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[1] / "reports" / "screenshots"


def in_ci() -> bool:
    """True when the CI variable is set to something other than empty/0/false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI."""
    if in_ci():
        pytest.fail(f"{reason}; the browser tests are required when CI is set")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The small fixture report written to a temporary folder."""
    path = write_report(tmp_path_factory.mktemp("report"), *rf.small_docs())
    return path.as_uri()


class Watched:
    """A page plus everything that went wrong on it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _request(self, request: Any) -> None:
        if not request.url.startswith(("file:", "data:")):
            self.requests.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        """No console errors, page errors, network requests or alert() dialogs."""
        assert self.errors == []
        assert self.requests == []
        assert self.dialogs == []


@pytest.fixture
def watched(browser: Any, report_url: str) -> Iterator[Watched]:
    """A fresh page showing the small report."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    view = Watched(page)
    page.goto(report_url)
    page.wait_for_selector("#f-list article")
    yield view
    context.close()


def visible_kinds(page: Any) -> list[str]:
    """The kind of every finding row on the current page of the active list."""
    return page.eval_on_selector_all("#f-list article.finding", "rows => rows.map(r => r.dataset.kind)")


def test_overview_loads_cleanly_and_screenshot(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    assert page.title().startswith("Source audit")
    assert page.locator(".callout").first.is_visible()
    assert page.locator("#chart-scores").is_visible()
    assert page.locator("h3", has_text="<script>alert(1)</script> Breaking").count() == 1
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SHOTS / "report.png")
    page.screenshot(path=str(SHOTS / "report-top.png"))
    watched.assert_clean()


def test_filter_by_kind_changes_visible_rows(watched: Watched) -> None:
    from playwright.sync_api import expect

    page = watched.page
    before = visible_kinds(page)
    assert len(before) == 10 and len(set(before)) > 3
    page.select_option("#filters select[name=kind]", "figure_conflict")
    after = visible_kinds(page)
    assert after == ["figure_conflict", "figure_conflict"]
    assert "2 of 10 findings match" in page.locator("#f-count").inner_text()
    kind_label = page.locator("#filters select[name=kind] option:checked").inner_text()
    assert kind_label == "figure_conflict (2)"
    page.select_option("#filters select[name=sev]", "warning")
    assert page.locator("#f-list .empty").is_visible()
    page.click("#filters button[type=reset]")
    expect(page.locator("#f-list article.finding")).to_have_count(
        10
    )  # no wait_for_function: CSP forbids eval
    page.locator("#filters select[name=sort]").select_option("kind")
    assert visible_kinds(page) == sorted(before)
    watched.assert_clean()


def test_source_view_highlights_the_flagged_span(watched: Watched) -> None:
    page = watched.page
    page.select_option("#filters select[name=kind]", "repeated_word")
    page.locator("#f-list article.finding a.src").first.click()
    drawer = page.locator("#source-view")
    drawer.wait_for(state="visible")
    mark = drawer.locator("mark.focus").first
    assert mark.is_visible() and mark.inner_text() == "the the"
    in_view = "m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert mark.evaluate(in_view)
    assert drawer.locator(".ln").count() == len(rf.TEXTS["001_f3a0"].splitlines())
    assert drawer.locator("mark.multi").count() > 0  # the term inside the repeated paragraph overlaps
    assert drawer.locator(".note.sev-warning", has_text="Word 'the' is repeated.").is_visible()
    page.screenshot(path=str(SHOTS / "report-source.png"))
    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden")
    watched.assert_clean()


def test_hostile_source_renders_as_text(watched: Watched) -> None:
    page = watched.page
    card = page.locator(".card", has_text="Evil Outlet")
    assert "<b>Evil Outlet</b>" in card.inner_text()
    card.locator("a.btn", has_text="View source").click()
    drawer = page.locator("#source-view")
    drawer.wait_for(state="visible")
    assert rf.HOSTILE_SCRIPT in drawer.locator("#sv-body").inner_text()
    assert "javascript:alert(1)" in drawer.locator("#sv-meta").inner_text()
    assert page.locator("#source-view img, #source-view script, a[href^=javascript]").count() == 0
    watched.assert_clean()


def test_cross_source_conflict_side_by_side_and_suppressed_apart(watched: Watched) -> None:
    page = watched.page
    page.select_option("#filters select[name=kind]", "figure_conflict")
    row = page.locator("#f-list article.finding", has_text="USD 5 000 per user")
    assert row.locator(".side-col").count() == 3
    assert row.locator("mark.rel").all_inner_texts() == ["USD 1 000", "USD 1 000"]
    assert page.locator("#s-list article.finding").count() == 0  # the boilerplate is not a figure conflict
    page.click("#filters button[type=reset]")
    page.locator("#s-details summary").click()
    suppressed = page.locator("#s-list article.finding")
    assert suppressed.count() == 1 and "boilerplate" in suppressed.inner_text()
    watched.assert_clean()


def test_pagination_of_a_larger_report(browser: Any, tmp_path: Path) -> None:
    findings_doc, scores_doc, texts = rf.large_docs(n_sources=30, n_findings=250)
    url = write_report(tmp_path, findings_doc, scores_doc, texts).as_uri()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    view = Watched(page)
    page.goto(url)
    first = page.eval_on_selector_all("#f-list article.finding", "rows => rows.map(r => r.dataset.finding)")
    assert len(first) == 100
    page.click("#f-pager [data-page=next]")
    second = page.eval_on_selector_all("#f-list article.finding", "rows => rows.map(r => r.dataset.finding)")
    assert len(second) == 100 and not set(first) & set(second)
    assert "Page 2 of" in page.locator("#f-pager").inner_text()
    view.assert_clean()
    page.close()
