"""The HTML report in headless Chromium: no errors, filters, pagination, source view, screenshot.

Needs Debian's ``/usr/bin/chromium`` and the ``playwright`` Python package (no
``playwright install``). Skipped when either is missing, except when ``CI`` is
set, where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_fixtures as rf
from conftest import require_or_skip

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


# ------------------------------------------------------------ issue 17: any screen, accept, triage at scale

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".venv" / "share" / "axe-core" / "axe.min.js"
NO_OVERFLOW = "() => document.scrollingElement.scrollWidth <= innerWidth"


@pytest.fixture(scope="module")
def compared_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The small run compared with a previous run (new, fixed, deltas, many related locations)."""
    return write_report(tmp_path_factory.mktemp("compared"), *rf.compared_docs()).as_uri()


def axe_violations(page: Any) -> list[str]:
    """Serious or critical axe-core violations on the page as it is now ("rule: target" strings)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {node['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("width", [1400, 390])
def test_any_screen_dialog_and_accessibility(browser: Any, compared_url: str, width: int) -> None:
    from playwright.sync_api import expect

    if not AXE.exists():
        require_or_skip(False, f"{AXE} missing (scripts/system-deps.sh axe fetches it with npm)")
    context = browser.new_context(viewport={"width": width, "height": 860}, bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.set_default_timeout(5000)
    view = Watched(page)
    page.goto(compared_url)
    page.wait_for_selector("#f-list article")
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(SHOTS / f"report-{width}.png"))
    assert axe_violations(page) == []
    opener = page.locator(".callout a.btn", has_text="View source").first
    opener.focus()
    opener.press("Enter")
    drawer = page.locator("#source-view")
    drawer.wait_for(state="visible")
    assert drawer.get_attribute("role") == "dialog" and drawer.get_attribute("aria-modal") == "true"
    assert page.evaluate("() => document.getElementById('source-view').contains(document.activeElement)")
    close = page.locator("#sv-close")
    box = close.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width  # the Close button is on screen
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(SHOTS / f"report-source-{width}.png"))
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('source-view').contains(document.activeElement)")
    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden")
    expect(opener).to_be_focused()  # focus returns to the opener
    opener.click()
    drawer.wait_for(state="visible")
    close.click()
    drawer.wait_for(state="hidden")
    expect(opener).to_be_focused()
    view.assert_clean()
    context.close()


def test_changes_since_the_last_run_and_notes(browser: Any, compared_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    view = Watched(page)
    page.goto(compared_url)
    assert page.locator("#f-list .new-badge").count() == 4  # repeated word, its twin, two figure conflicts
    page.select_option("#filters select[name=change]", "new")
    assert page.locator("#f-list article.finding").count() == 4
    assert "change=new" in page.evaluate("() => location.search")
    assert page.locator("#fixed tbody tr").count() == 2
    callout = page.locator(".callout").first
    assert "−4.5" in callout.inner_text() and "2 new" in callout.inner_text()
    assert "since 2026-11-21 07:40" in callout.inner_text()
    page.select_option("#filters select[name=change]", "")
    row = page.locator("#f-list article.finding", has_text="seven places")
    assert row.locator(".side-col").count() == 6  # flagged + first five related
    row.locator(".more-rel summary").click()
    row.locator(".side-col").nth(7).wait_for()  # the rest are built on the (async) toggle event
    assert row.locator(".side-col").count() == 8  # all seven related locations reachable
    page.locator("#f-list article.finding", has_text="Word 'the' is repeated.").first.locator("a.src").click()
    notes = page.locator("#sv-body .note", has_text="Word 'the' is repeated.")
    assert notes.count() == 1 and "×2" in notes.inner_text()  # identical notes shown once
    view.assert_clean()
    page.close()


def test_filters_live_in_the_url_and_permalinks_by_id(browser: Any, tmp_path: Path) -> None:
    findings_doc, scores_doc, texts = rf.large_docs(n_sources=30, n_findings=250)
    url = write_report(tmp_path, findings_doc, scores_doc, texts).as_uri()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    view = Watched(page)
    page.goto(url)
    page.select_option("#filters select[name=kind]", "garbled_text")
    page.select_option("#filters select[name=sev]", "warning")
    query = page.evaluate("() => location.search")
    assert "kind=garbled_text" in query and "sev=warning" in query
    shown = visible_kinds(page)
    page.reload()
    assert page.locator("#filters select[name=kind]").input_value() == "garbled_text"
    assert visible_kinds(page) == shown and set(shown) == {"garbled_text"}
    # a finding on the second page of the unfiltered list, opened by its id
    page.goto(url + "#top")
    page.click("#f-pager [data-page=next]")
    target = page.locator("#f-list article.finding").nth(7).get_attribute("data-id")
    page.goto(url + "#finding-" + target)
    row = page.locator(f"#finding-{target}")
    row.wait_for(state="visible")
    assert row.evaluate("r => r === document.activeElement") and "Page 2 of" in page.locator("#f-pager").inner_text()
    assert row.locator("a.fid").get_attribute("href") == f"#finding-{target}"
    with page.expect_download() as info:
        page.click("#f-csv")
    csv_path = tmp_path / "findings.csv"
    info.value.save_as(csv_path)
    import csv

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert len(rows) == sum(1 for f in findings_doc["findings"] if not f["suppressed"])
    view.assert_clean()
    page.close()


def test_baseline_downloaded_from_the_page_is_accepted_by_the_next_run(browser: Any, seed_run: Any, tmp_path: Path) -> None:
    from auditor.cli import main

    _result, out = seed_run
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    view = Watched(page)
    page.goto((out / "report.html").as_uri())
    page.click("#f-tick-page")
    rows = page.locator("#f-list article.finding")
    left_out = rows.first.get_attribute("data-id")
    rows.first.locator("input.tick").uncheck()
    with page.expect_download() as info:
        page.click("#f-baseline")
    partial = tmp_path / "partial.json"
    info.value.save_as(partial)
    doc = json.loads(partial.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and [e["id"] for e in doc["findings"]] == sorted(e["id"] for e in doc["findings"])
    assert left_out not in {e["id"] for e in doc["findings"]} and set(doc["findings"][0]) == {"id", "kind", "source", "evidence"}
    seeds = str(ROOT / "seeds")
    code = main(["audit", seeds, "--out", str(tmp_path / "r1"), "--baseline", str(partial), "--fail-on", "info"])
    active = [f["id"] for f in json.loads((tmp_path / "r1" / "findings.json").read_text())["findings"] if not f["suppressed"]]
    assert code == 1 and set(active) == {left_out}  # only the finding not ticked still gates
    rows.first.locator("input.tick").check()
    with page.expect_download() as info:
        page.click("#f-baseline")
    full = tmp_path / "full.json"
    info.value.save_as(full)
    assert main(["audit", seeds, "--out", str(tmp_path / "r2"), "--baseline", str(full), "--fail-on", "info"]) == 0
    view.assert_clean()
    page.close()


@pytest.fixture(scope="module")
def large_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A report of 10,000 findings over 1,000 sources, written once for the scale tests."""
    return write_report(tmp_path_factory.mktemp("large"), *rf.large_docs(1000, 10_000)).as_uri()


def open_large(browser: Any, large_url: str) -> tuple[Any, Watched]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    view = Watched(page)
    page.goto(large_url)
    page.wait_for_selector("#f-list article")
    return page, view


def test_scale_weakest_story_one_click_from_the_top(browser: Any, large_url: str) -> None:
    page, view = open_large(browser, large_url)
    assert page.locator("details.story[open]").count() == 3 and page.locator("details.story").count() == 100
    assert page.locator("#f-list article.finding").count() == 100  # one page built, not 10,000 rows
    weakest = page.locator("details.story summary h2").first.inner_text().split()[0]
    nav = page.locator("nav.toc a", has_text="Weakest story")
    assert nav.is_visible()
    page.mouse.wheel(0, 20_000)
    assert nav.is_visible()  # the header links stay on screen
    nav.click()
    stories = page.eval_on_selector_all("#f-list .f-story", "rows => rows.map(r => r.textContent)")
    assert stories and set(stories) == {f"story: {weakest}"}
    assert page.locator("#filters select[name=story]").input_value() == weakest
    view.assert_clean()
    page.close()


def test_scale_folded_stories_build_their_cards_on_open(browser: Any, large_url: str) -> None:
    page, view = open_large(browser, large_url)
    nodes = page.evaluate("document.getElementsByTagName('*').length")
    assert nodes < 20_000, nodes  # 100 story headings, 30 open cards and one page of findings, not 1,000 cards
    assert page.locator("details.story:not([open]) article.card").count() == 0
    assert page.locator("details.story:not([open]) .callout").count() == 0
    folded = page.locator("details.story:not([open])").first
    story = folded.get_attribute("id")
    folded.locator("summary").click()
    cards = page.locator(f"#{story} article.card")
    assert cards.count() == 10 and page.locator(f"#{story} article.card.is-weakest").count() == 1
    callout = page.locator(f"#{story} .callout")
    assert callout.count() == 1 and callout.locator(".callout-label").text_content().startswith("Weakest source")
    assert callout.locator("code").inner_text() == cards.first.locator(".card-meta code").inner_text()
    first = cards.first
    assert first.locator(".score").inner_text() != "" and first.locator("details.components table tr").count() > 1
    # a card of another folded story, reached by its link in the stories table, is built and opened
    assert page.locator("table.index tbody tr").count() == 50  # the weakest 50 rows in the HTML
    page.locator("#show-all-stories").click()  # the other rows are built from the data
    assert page.locator("table.index tbody tr").count() == 100 and page.locator("#show-all-stories").count() == 0
    link = page.locator("table.index a.weak-link").nth(80)
    target = link.get_attribute("href")
    link.click()
    page.wait_for_selector(f"{target}", state="visible")
    assert page.locator(target).locator("xpath=ancestor::details[contains(@class,'story')]").get_attribute("open") == ""
    view.assert_clean()
    page.close()
