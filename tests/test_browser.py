"""The built site in a real browser: Chinese text, Chinese search, a posting's table, print
layout, and no request to any host but the local server.

Runs Debian's headless Chromium (`apt-get install chromium fonts-noto-cjk`) through
Playwright with `executable_path`, so no browser is downloaded, and is skipped with a
reason where chromium is missing. The page is conftest's `browser_page`: the demo county
built once and served on 127.0.0.1, in a browser context of its own. Screenshots are saved
in $CADRE_ARTIFACTS when set (CI keeps them), else in the test's temporary folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CADRE_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


GLYPHS_DIFFER = """() => {
  // Draw two different characters in the page's font: with no Chinese font both are the
  // same "missing glyph" box and the pixels are identical.
  const font = getComputedStyle(document.querySelector("h1")).fontFamily;
  const draw = (ch) => {
    const c = document.createElement("canvas");
    c.width = 64; c.height = 64;
    const g = c.getContext("2d");
    g.font = "48px " + font;
    g.fillText(ch, 4, 52);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(",");
  };
  return draw("部") !== draw("能") && draw("部") !== draw("\\uE000");
}"""


def test_site_in_chromium(browser_page, demo_site, tmp_path):
    page, base, elsewhere = browser_page
    out = demo_site
    shots = artifacts(tmp_path)

    page.goto(base + "index.html", wait_until="networkidle")
    assert page.locator("article h1").inner_text() == "干部能上能下公示"
    assert "公示中" in page.locator("article").inner_text()
    assert page.evaluate(GLYPHS_DIFFER), "Chinese glyphs do not render (install fonts-noto-cjk)"
    page.screenshot(path=str(shots / "site-home.png"), full_page=True)

    # Search for a person named on an appraisal posting.
    view = json.loads((out / "data" / "public.json").read_text(encoding="utf-8"))
    appraisal = next(p for p in view["postings"] if p["kind"] == "appraisal")
    name = appraisal["body"]["rows"][0]["name"]
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(name)  # Chinese arrives as one piece of text, as from an input method,
    search.press("End")  # and the theme searches on the key event that follows
    result = page.locator(".md-search-result__item").first
    result.wait_for(state="visible", timeout=15_000)
    assert name in page.locator(".md-search-result").inner_text()
    page.screenshot(path=str(shots / "site-search.png"))

    # Open the unit's posting and read its table.
    page.goto(base + f"postings/{appraisal['id']}.html", wait_until="networkidle")
    table = page.locator("article table").first
    assert "等次" in table.locator("thead").inner_text()
    row = table.locator("tbody tr").filter(has_text=name).first
    assert row.inner_text().split("\t")[-1] in {
        "优秀",
        "称职",
        "基本称职",
        "不称职",
        "不定等次",
        "待定（同分待考核委员会研究决定）",
    }
    assert page.locator("article svg").count() >= 1  # the grade chart
    page.screenshot(path=str(shots / "site-posting.png"), full_page=True)

    # Printed, the notice keeps the posting and drops navigation, search and footer.
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator("article h1").is_visible()
    page.pdf(path=str(shots / "site-posting.pdf"), format="A4")
    print(f"\nscreenshots: {shots}")

    assert elsewhere == [], f"requests left the machine: {elsewhere}"
