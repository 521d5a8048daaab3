"""The public site in Chromium, as the public reads it: status on the day it is read, tables
that fit a desktop and a phone, Chinese only, axe-core's accessibility rules, the keyboard.

Runs Debian's headless Chromium through Playwright (`executable_path`, nothing is
downloaded) on the demo county when records/ holds it, else on the test fixture, served by
`cadre serve`'s own handler. Screenshots of the home page, the statistics page and one
posting of each kind at 1280 px and 390 px go to $CADRE_ARTIFACTS when set, else to the
test's temporary folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from generator.cli_site import build
from generator.site.serve import SiteHandler

HERE = Path(__file__).parent
REPO = HERE.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
CHINA = ZoneInfo("Asia/Shanghai")
# Latin letters a reader may see: rule ids, file formats.
ALLOWED = re.compile(r"[A-Z][0-9]{1,2}|JSON|CSV|Atom|UTF-8")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium fonts-noto-cjk)"
)


class QuietSiteHandler(SiteHandler):
    def log_message(self, format, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_repo):
    """A site built with a fixed as-of date, served on 127.0.0.1; and its public view."""
    work = tmp_path_factory.mktemp("public-browser")
    records = demo_repo / "records"
    out = work / "site"
    result = CliRunner().invoke(
        build, ["--records", str(records), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    view = json.loads((out / "data" / "public.json").read_text(encoding="utf-8"))
    handler = functools.partial(QuietSiteHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out, view
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(chromium):
    """The one Chromium of the session (conftest.chromium): Playwright's sync API runs one
    instance per process."""
    return chromium


def open_page(browser, width: str = "desktop", when: dt.datetime | None = None, **options):
    size = WIDTHS[width]
    context = browser.new_context(
        locale="zh-CN", viewport={"width": size[0], "height": size[1]}, **options
    )
    page = context.new_page()
    if when is not None:
        page.clock.set_fixed_time(when)
    return context, page


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CADRE_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def one_of_each_kind(view: dict) -> list[str]:
    """The newest posting of each kind, as page paths."""
    pages = {}
    for p in view["postings"]:
        pages[p["kind"]] = f"postings/{p['id']}.html"
    return [pages[k] for k in ("appraisal", "points", "selection", "decision") if k in pages]


def noon(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), CHINA)


# ---------------------------------------------------------------- status on the day


def test_an_open_posting_shows_ended_once_the_browsers_clock_is_past_its_period(browser, served):
    base, _, view = served
    posting = next(p for p in view["postings"] if p["open"])
    page_path = f"postings/{posting['id']}.html"
    after = noon(posting["end"]) + dt.timedelta(days=1)

    context, page = open_page(browser, when=after)
    page.goto(base + page_path)
    badge = page.locator("article .posting-status").first
    assert badge.inner_text() == "公示期已结束"
    page.goto(base + "index.html")
    card = page.locator(f'[data-open-until="{posting["end"]}"]').first
    assert card.is_hidden()
    recent = page.locator("table.stack tr", has_text=posting["title"]).first
    assert "公示期已结束" in recent.inner_text()
    context.close()

    context, page = open_page(browser, when=noon(posting["end"]))  # its last day
    page.goto(base + page_path)
    assert page.locator("article .posting-status").first.inner_text() == "公示中"
    context.close()

    # a clock behind the build's date is not believed: the built status stands
    context, page = open_page(browser, when=noon(posting["start"]) - dt.timedelta(days=400))
    page.goto(base + page_path)
    assert page.locator("article .posting-status").first.inner_text() == "公示中"
    context.close()


def test_without_javascript_the_built_status_stays(browser, served):
    base, _, view = served
    posting = next(p for p in view["postings"] if p["open"])
    later = noon(posting["end"]) + dt.timedelta(days=30)
    context, page = open_page(browser, when=later, java_script_enabled=False)
    page.goto(base + f"postings/{posting['id']}.html")
    assert page.locator("article .posting-status").first.inner_text() == "公示中"
    context.close()


# ---------------------------------------------------------------- tables fit

FITS = """() => {
  const article = document.querySelector("article");
  const edge = article.getBoundingClientRect().right + 1;
  const wide = [];
  for (const table of article.querySelectorAll("table")) {
    const box = table.getBoundingClientRect();
    const wrap = table.closest(".md-typeset__scrollwrap");
    if (box.right > edge || (wrap && wrap.scrollWidth > wrap.clientWidth + 1)) {
      wide.push(table.innerText.slice(0, 40));
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) wide.push("<page>");
  return wide;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_is_wider_than_the_page(browser, served, width):
    base, out, view = served
    context, page = open_page(browser, width)
    paths = ["index.html", "stats.html", "data/index.html", "archive/index.html"]
    paths += [f"archive/{y}.html" for y in view["years"]]
    paths += [f"units/{u['id']}.html" for u in view["units"]]
    paths += [f"postings/{p['id']}.html" for p in view["postings"]]
    wide = {}
    for path in paths:
        page.goto(base + path)
        if found := page.evaluate(FITS):
            wide[path] = found
    context.close()
    assert wide == {}


# ---------------------------------------------------------------- Chinese only


def test_the_visible_text_of_every_page_is_chinese(browser, served):
    base, out, _ = served
    context, page = open_page(browser)
    english = {}
    for file in sorted(out.rglob("*.html")):
        rel = file.relative_to(out).as_posix()
        page.goto(base + rel)
        words = re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", page.evaluate("document.body.innerText"))
        if odd := sorted({w for w in words if not ALLOWED.fullmatch(w)}):
            english[rel] = odd
    page.goto(base + "no-such-page.html")
    assert "页面不存在" in page.locator("article").inner_text()
    context.close()
    assert english == {}


# ---------------------------------------------------------------- accessibility


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_violation(browser, served, width, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    base, _, view = served
    axe = Axe()
    context, page = open_page(browser, width)
    found = {}
    folder = shots(tmp_path)
    for path in ["index.html", "stats.html", *one_of_each_kind(view)]:
        page.goto(base + path, wait_until="networkidle")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        name = path.removeprefix("postings/").removesuffix(".html")
        page.screenshot(path=str(folder / f"public-{name}-{WIDTHS[width][0]}.png"), full_page=True)
        violations = axe.run(page).response["violations"]
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    context.close()
    print(f"\nscreenshots: {folder}")
    assert found == {}


TAB = """() => {
  const e = document.activeElement;
  return e ? [e.tagName, e.className || "", e.getAttribute("href") || ""] : null;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_keyboard_reaches_the_search_and_every_posting(browser, served, width):
    base, _, view = served
    context, page = open_page(browser, width)
    page.goto(base + "index.html")
    reached_search = False
    for _ in range(12):
        page.keyboard.press("Tab")
        tag, cls, _ = page.evaluate(TAB)
        if tag == "INPUT" and "md-search__input" in cls:
            reached_search = True
            break
    assert reached_search, "Tab from the top of the home page never reaches the search"

    wanted = {f"postings/{p['id']}.html" for p in view["postings"]}
    reached = set()
    pages = ["index.html", "archive/index.html", *(f"archive/{y}.html" for y in view["years"])]
    for path in pages:
        page.goto(base + path)
        page.locator("body").focus()
        for _ in range(60 + 2 * len(view["postings"])):
            page.keyboard.press("Tab")
            focused = page.evaluate(TAB)
            if focused is None:
                break
            href = focused[2].split("#")[0]
            prefix = "" if "/" not in path else "../"
            if href.startswith(prefix + "postings/"):
                reached.add(href.removeprefix(prefix))
    context.close()
    assert wanted - reached == set()
