"""The internal view in a real browser: the 待办 page, one watch-list entry and one dossier,
with values worked out by hand from the demo records; and nothing leaves the machine.

Debian's headless Chromium through Playwright, as in test_browser.py.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium fonts-noto-cjk)"
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def page(tmp_path_factory, demo_repo, chromium):
    out = tmp_path_factory.mktemp("internal") / "internal-site"
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--audience",
            "internal",
            "--records",
            str(demo_repo / "records"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    elsewhere: list[str] = []
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

    def guard(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == urlsplit(base).netloc:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield context.new_page(), base
    context.close()
    server.shutdown()
    server.server_close()
    assert elsewhere == [], f"requests left the machine: {elsewhere}"


def row(tab, text: str) -> str:
    return tab.locator("article tr").filter(has_text=text).first.inner_text()


def test_the_due_page_lists_a_term_ending(page):
    tab, base = page
    tab.goto(base + "index.html", wait_until="networkidle")
    assert tab.locator("article h1").inner_text() == "待办事项"
    assert "内部资料" in tab.locator("article").inner_text()
    # 罗建平, 青溪镇镇长 since 2021-05-18, first term: 5 years end on 2026-05-18
    line = row(tab, "罗建平")
    assert "2026年5月18日" in line and "任期即将届满" in line and "T1" in line
    tab.locator("article a", has_text="罗建平").first.click()
    tab.wait_for_load_state("networkidle")
    assert tab.url.endswith("people/luo-jianping.html")


def test_a_watch_list_entry_shows_its_numbers(page):
    tab, base = page
    tab.goto(base + "watch.html", wait_until="networkidle")
    # 阎大伟 2024: 32 votes, 1 优秀 and 2 称职 = 3, below 2/3 of 32 = 21.33
    line = row(tab, "优秀1票、称职2票")
    assert "阎大伟" in line and "2024" in line and "民主测评认可度低" in line
    assert "有效票32票" in line and "合计3票，不足2/3（21.33票）" in line


def test_a_dossier_holds_the_record(page):
    tab, base = page
    tab.goto(base + "people/yan-dawei.html", wait_until="networkidle")
    text = tab.locator("article").inner_text()
    assert "1986年11月7日" in text  # the birth date: private, and shown here only
    # 2024: results 54.80, daily 49.70, democratic 46.43; 0.8 x 54.80 + 0.1 x 49.70 +
    # 0.1 x 46.43 = 43.84 + 4.97 + 4.643 = 53.453 -> 53.45, below 60: 不称职
    line = row(tab, "54.80")
    assert "53.45" in line and "不称职" in line
    assert "按有关规定和程序予以辞退" in text  # A7: two years 不称职 in a row
    assert tab.locator("article svg").count() >= 1  # the month chart of points
