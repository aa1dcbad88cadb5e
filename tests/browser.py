"""Open an HTML report in headless Chromium (playwright's sync API) and measure what a reader
would see: every image decoded, no request failing or leaving the page, a table of contents
whose links land on headings, and nothing wider than a phone's screen (390 x 844). A full-page
screenshot of each report lands in ``test-artifacts/reports/<name>.png`` (git-ignored), with
the measurements beside it in ``<name>.json``.

Without playwright or Chromium, :func:`require_chromium` skips the test, saying what to install.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "reports"
PHONE = {"width": 390, "height": 844}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Everything measured in the page once it has loaded (all images decoded or failed).
MEASURE = """async () => {
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
  const nav = document.querySelector('nav');
  const links = nav ? Array.from(nav.querySelectorAll('a')).map(a => a.getAttribute('href')) : [];
  const h2 = Array.from(document.querySelectorAll('h2'));
  const tables = Array.from(document.querySelectorAll('table'));
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && !e.closest('.table-wrap')) {
      wide.push(`${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''}`
                + ` (right edge ${Math.round(r.right)} px)`);
    }
  }
  return {
    images: imgs.length,
    images_loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
    images_broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                       .map(i => i.alt || i.src.slice(0, 60)),
    image_sources: Array.from(new Set(imgs.map(i => i.src.split(',')[0]))),
    viewport_meta: document.querySelector('meta[name="viewport"]')?.content || null,
    inner_width: window.innerWidth,
    scroll_width: document.documentElement.scrollWidth,
    page_height: document.documentElement.scrollHeight,
    too_wide: wide.slice(0, 10),
    toc_links: links,
    toc_broken: links.filter(h => !h || !h.startsWith('#')
                                  || !document.getElementById(decodeURIComponent(h.slice(1)))),
    h2_ids: h2.map(h => h.id),
    h2_unlinked: h2.filter(h => !h.closest('nav') && !links.includes('#' + h.id))
                   .map(h => h.textContent),
    duplicate_ids: ids.filter((id, i) => ids.indexOf(id) !== i),
    tables: tables.length,
    tables_wrapped: tables.filter(t => t.parentElement.classList.contains('table-wrap')
                                       && getComputedStyle(t.parentElement).overflowX === 'auto')
                          .length,
    tables_scrolling: tables.filter(t => t.parentElement.scrollWidth
                                         > t.parentElement.clientWidth + 1).length,
  };
}"""


def chromium_path() -> str | None:
    """Chromium's executable: ``chromium`` on ``PATH``, else Debian's ``/usr/bin/chromium``."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def require_chromium() -> str:
    """Chromium's path; skips the calling test, naming what to install, when playwright or
    Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser check skipped: playwright's Python package is missing; install it "
                    "with `.venv/bin/python -m pip install playwright` (or `pip install -e "
                    "'.[test]'`)")
    path = chromium_path()
    if path is None:
        pytest.skip("browser check skipped: no Chromium (`chromium` not on PATH, no "
                    "/usr/bin/chromium); install it with `apt-get install chromium`")
    return path


def check_report(html_path, name: str, executable: str | None = None) -> dict:
    """Open ``html_path`` (by ``file://`` URL) in headless Chromium at phone size (390 x 844,
    mobile, so the viewport tag counts), save a full-page screenshot to
    ``test-artifacts/reports/<name>.png`` and return what was measured: image counts, broken
    images, requests other than the page itself and ``data:`` URLs, failed requests,
    responses >= 400, console errors and page errors, the table of contents' links and those
    pointing nowhere, the page's width against the window's, the elements sticking out, the
    tables and how many sit in a scrolling wrapper, the screenshot's path and the seconds it
    all took."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    html_path = Path(html_path).resolve()
    url = html_path.as_uri()
    executable = executable or chromium_path()
    requests, failed, bad_status, console, page_errors = [], [], [], [], []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport=PHONE, screen=PHONE, device_scale_factor=1,
                                          is_mobile=True, has_touch=True,
                                          java_script_enabled=True)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(f"{r.url[:80]}: {r.failure}"))
            page.on("response", lambda r: bad_status.append(f"{r.status} {r.url[:80]}")
                    if r.status >= 400 else None)
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            response = page.goto(url, wait_until="load", timeout=60_000)
            page.wait_for_load_state("networkidle", timeout=30_000)
            measured = page.evaluate(MEASURE)
            page.screenshot(path=str(shot), full_page=True)
            context.close()
        finally:
            browser.close()
    external = [u for u in requests if u != url and not u.startswith("data:")]
    measured = {
        "name": name,
        "url": url,
        "status": None if response is None else response.status,
        **measured,
        "requests": len(requests),
        "external_requests": external,
        "failed_requests": failed + bad_status,
        "console_errors": console + page_errors,
        "overflow_px": measured["scroll_width"] - measured["inner_width"],
        "screenshot": shot,
        "seconds": round(time.perf_counter() - start, 2),
    }
    shot.with_suffix(".json").write_text(json.dumps(measured, indent=1, default=str))
    return measured


def assert_reads_well(m: dict, images: int | None = None) -> None:
    """The checks on :func:`check_report`'s measurements (``images``: the expected count)."""
    where = f"{m['name']} ({m['url']})"
    assert m["images"] > 0 and m["images_loaded"] == m["images"], \
        f"{where}: {m['images'] - m['images_loaded']} of {m['images']} images did not load: " \
        f"{m['images_broken']}"
    if images is not None:
        assert m["images"] == images, f"{where}: {m['images']} images, expected {images}"
    assert m["image_sources"] == ["data:image/png;base64"], \
        f"{where}: images not embedded as base64 PNG: {m['image_sources']}"
    assert not m["external_requests"], f"{where}: requests leave the page: " \
                                       f"{m['external_requests']}"
    assert not m["failed_requests"], f"{where}: failed requests: {m['failed_requests']}"
    assert not m["console_errors"], f"{where}: console errors: {m['console_errors']}"
    assert m["viewport_meta"] and "width=device-width" in m["viewport_meta"], \
        f"{where}: no viewport meta tag ({m['viewport_meta']!r})"
    assert m["inner_width"] == PHONE["width"], \
        f"{where}: laid out {m['inner_width']} px wide at a {PHONE['width']} px phone"
    assert m["toc_links"], f"{where}: no table of contents (<nav> with links)"
    assert not m["toc_broken"], f"{where}: contents links pointing nowhere: {m['toc_broken']}"
    assert not m["h2_unlinked"], f"{where}: sections missing from the contents: " \
                                 f"{m['h2_unlinked']}"
    assert not m["duplicate_ids"], f"{where}: duplicate ids {m['duplicate_ids']}"
    assert m["scroll_width"] <= m["inner_width"] + 1, \
        f"{where}: the page is {m['scroll_width']} px wide at a {m['inner_width']} px " \
        f"window; too wide: {m['too_wide']}"
    assert m["tables_wrapped"] == m["tables"], \
        f"{where}: {m['tables'] - m['tables_wrapped']} tables outside a scrolling wrapper"
    assert m["screenshot"].is_file() and m["screenshot"].stat().st_size > 0, \
        f"{where}: no screenshot at {m['screenshot']}"
