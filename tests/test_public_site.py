"""The public site as its readers get it, checked on the built files: the basis of every
posting from the policy, provenance, phone links, search, the Atom feed, the statistics
page, charts, the 404 pages and the page language.

Builds tests/fixtures/mini with tests/fixtures/site-repo laid over it (every kind of
posting), once for the module; tests that change records build their own copy.
"""

from __future__ import annotations

import functools
import html
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli_site import build
from generator.site import build as site_build
from generator.site.serve import SiteHandler
from generator.site.stats import statistics

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini"
OVERLAY = HERE / "fixtures" / "site-repo" / "records"
ATOM = "{http://www.w3.org/2005/Atom}"


def make_repo(folder: Path) -> Path:
    repo = folder / "repo"
    shutil.copytree(MINI, repo)
    shutil.copytree(OVERLAY, repo / "records", dirs_exist_ok=True)
    return repo


def run_build(repo: Path, out: Path, *args: str) -> None:
    result = CliRunner().invoke(
        build,
        ["--records", str(repo / "records"), "--out", str(out), *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("public"))
    run_build(repo, repo / "site")
    return repo / "site"


@pytest.fixture(scope="module")
def view(site: Path) -> dict:
    return json.loads((site / "data" / "public.json").read_text(encoding="utf-8"))


def text_of(page: Path) -> str:
    """The visible words of a built page's article, tags dropped, whitespace collapsed."""
    raw = page.read_text(encoding="utf-8")
    article = raw[raw.index("<article") : raw.index("</article>")]
    article = re.sub(r"<(script|style)\b.*?</\1>", "", article, flags=re.S)
    article = re.sub(r"</?(strong|em|code|a|span)\b[^>]*>", "", article)  # inline: no gap
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def policy() -> dict:
    return yaml.safe_load((MINI / "records" / "policy" / "2025.yaml").read_text(encoding="utf-8"))


def pct(share) -> str:
    return f"{round(float(share) * 100, 4):g}%"


def basis_of(site: Path, posting: dict) -> str:
    """The text of a posting page's 依据 section."""
    text = text_of(site / "postings" / f"{posting['id']}.html")
    return "政策文件" + text.split(" 依据 政策文件", 1)[1].split(" 数据下载 ", 1)[0]


# ---------------------------------------------------------------- 依据


def test_every_posting_has_a_basis_section_from_the_policy(site, view):
    p = policy()
    for posting in view["postings"]:
        basis = basis_of(site, posting)
        assert f"政策文件：《{p['title']}》（{p['basis']}）" in basis, posting["id"]
        assert f"O1：公示期为{p['posting']['working_days']}个工作日" in basis, posting["id"]


def test_the_appraisal_basis_shows_how_the_score_and_the_grades_are_made(site, view):
    p = policy()
    posting = next(x for x in view["postings"] if x["kind"] == "appraisal")
    basis = basis_of(site, posting)
    for rule in ("A1", "A2", "A3"):
        assert f"{rule}：" in basis
    w = p["weights"]
    assert (
        f"得分构成：百分制，实绩考核{pct(w['results'])}、日常考核{pct(w['daily'])}、"
        f"民主测评{pct(w['democratic'])}"
    ) in basis
    groups = p["democratic"]["groups"]
    assert f"本单位{pct(groups['own_unit'])}、上级领导{pct(groups['superiors'])}" in basis
    points = p["democratic"]["points"]
    assert f"每票优秀{points['excellent']}分、称职{points['competent']}分" in basis
    g = p["grading"]
    assert f"得分不低于{g['excellent_min']}分" in basis
    assert f"人数不超过参加考核人数的{pct(g['excellent_share'])}（向下取整）" in basis
    assert f"低于{g['basically_competent_below']}分为基本称职" in basis
    assert f"低于{g['incompetent_below']}分为不称职" in basis
    for limit in posting["body"]["limits"]:  # A3: each pool's limit with its base
        assert (
            f"{limit['pool']}：{limit['base_label']}{limit['base']}人，优秀不超过{limit['limit']}名"
        ) in basis
    for rule in {c["rule"] for c in posting["body"]["consequences"]}:
        assert f"{rule}：" in basis


def test_the_points_basis_shows_the_classes_and_tiers(site, view):
    p = policy()
    posting = next(x for x in view["postings"] if x["kind"] == "points")
    basis = basis_of(site, posting)
    assert "P1：对干部业绩实行分类积分管理" in basis
    assert "积分类别：" + "、".join(c["name"] for c in p["points"]["classes"]) in basis
    for tier in p["points"]["tiers"]:
        bound = f"{tier['min']}分及以上" if "min" in tier else f"{tier['max']}分及以下"
        assert f"{tier['name']}：年度积分合计{bound}" in basis


def test_the_decision_and_selection_bases_name_their_rules(site, view):
    decision = next(x for x in view["postings"] if x["kind"] == "decision")
    basis = basis_of(site, decision)
    assert "F6：" in basis and "F7：" in basis
    appeal = policy()["appeal"]
    assert f"{appeal['review_days']}日内申请复核" in basis
    selection = next(x for x in view["postings"] if x["kind"] == "selection")
    basis = basis_of(site, selection)
    for rule in ("S1", "S2", "S3"):
        assert f"{rule}：" in basis


def test_a_private_policy_field_never_reaches_the_site(tmp_path):
    repo = make_repo(tmp_path)
    path = repo / "records" / "policy" / "2025.yaml"
    marked = (
        "watch:\n  enabled: true\n  incompetent_votes_above: 7/19\n  approval_below: 13/17\n"
        "  bottom_share: 0.137\n  bottom_years: 2\n  repeated_assignments: 2\n"
        "  points_bottom_share: 0.113\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + marked, encoding="utf-8")
    out = tmp_path / "site"
    run_build(repo, out)
    for file in out.rglob("*"):
        if not file.is_file() or file.suffix == ".gz" or "assets" in file.parts:
            continue
        text = html.unescape(file.read_text(encoding="utf-8", errors="replace"))
        for value in ("7/19", "13/17", "0.137", "13.7%", "0.113", "11.3%"):
            assert value not in text, (file, value)
    public = (out / "data" / "public.json").read_text(encoding="utf-8")
    assert '"watch"' not in public


# ---------------------------------------------------------------- provenance, phones


def _git(repo: Path, *args: str) -> str:
    when = "2026-01-21T10:00:00+08:00"
    done = subprocess.run(
        ["git", "-c", "user.name=测试", "-c", "user.email=t@example.invalid", *args],
        env={**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def test_provenance_is_a_date_a_revision_link_and_a_collapsed_file_list(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    _git(repo, "init", "-q")
    _git(repo, "add", "records")
    _git(repo, "commit", "-q", "-m", "records")
    commit = _git(repo, "rev-parse", "HEAD")
    config = yaml.safe_load(site_build.BASE_CONFIG.read_text(encoding="utf-8"))
    config["repo_url"] = "https://git.example.org/county/records"
    base = tmp_path / "mkdocs.yml"
    base.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(site_build, "BASE_CONFIG", base)
    out = tmp_path / "site"
    run_build(repo, out)

    link = f'href="https://git.example.org/county/records/commit/{commit}"'
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "记录更新于" in text_of(out / "index.html") and link in home
    assert f"<code>{commit[:12]}</code>" not in text_of(out / "index.html").split("版本信息")[0]
    raw = (out / "postings" / "points-2025-11-hexi.html").read_text(encoding="utf-8")
    page = text_of(out / "postings" / "points-2025-11-hexi.html")
    assert "记录更新于2026年1月21日" in page.split(" 来源 ", 1)[1]
    assert link in raw
    # the files and commits sit in a collapsed detail
    details = html.unescape(raw[raw.index("<details") : raw.index("</details>")])
    assert "<details open" not in raw
    assert "records/points/2025/11/hexi.yaml" in details and commit[:12] in details
    # the theme never gets the address: it would fetch the host's repository facts
    assert "md-source" not in home


def test_the_objection_phone_is_a_tel_link(site, view):
    phone = view["postings"][0]["contact"]["phone"]
    digits = re.sub(r"[^0-9+]", "", phone)
    for page in ("index.html", f"postings/{view['postings'][0]['id']}.html"):
        raw = (site / page).read_text(encoding="utf-8")
        if page == "index.html" and not any(p["open"] for p in view["postings"]):
            continue
        assert re.search(rf'<a href="tel:{digits}">[^<]*</a>', raw), page


# ---------------------------------------------------------------- search


def test_search_finds_points_postings_by_name_but_not_their_reasons(site, view):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_page: dict[str, str] = {}
    for entry in index["docs"]:
        page = entry["location"].split("#")[0]
        by_page[page] = by_page.get(page, "") + entry["title"] + entry["text"]
    for posting in (p for p in view["postings"] if p["kind"] == "points"):
        text = by_page[f"postings/{posting['id']}.html"]
        for row in posting["body"]["rows"]:
            assert row["name"] in text, (posting["id"], row["name"])
            for item in row["details"]:
                assert item["reason"] not in text  # kept out: the index stays small


# ---------------------------------------------------------------- the feed


def test_the_feed_is_valid_atom_newest_first_and_linked_from_the_home_page(site, view):
    root = ET.fromstring((site / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(view["postings"])
    starts = [e.find(f"{ATOM}published").text for e in entries]
    assert starts == sorted(starts, reverse=True)
    by_id = {p["id"]: p for p in view["postings"]}
    ids = set()
    for e in entries:
        href = e.find(f"{ATOM}link").get("href")
        assert (site / href).is_file(), href
        posting = by_id[href.removeprefix("postings/").removesuffix(".html")]
        assert e.find(f"{ATOM}title").text == posting["title"]
        summary = e.find(f"{ATOM}summary").text
        assert posting["unit_name"] in summary and "公示期：" in summary
        ids.add(e.find(f"{ATOM}id").text)
    assert len(ids) == len(entries)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in home
    assert 'href="feed.xml"' in home


def test_the_feed_is_byte_identical_across_builds(site, tmp_path):
    again = tmp_path / "again"
    run_build(make_repo(tmp_path), again)
    assert (again / "feed.xml").read_bytes() == (site / "feed.xml").read_bytes()


# ---------------------------------------------------------------- 统计


def test_the_statistics_page_counts_grades_and_moves_without_names(site, view):
    page = site / "stats.html"
    text = text_of(page)
    stats = statistics(view)
    for year in stats["years"]:
        total = year["total"]
        assert f"{year['year']}年 {total['appraised']}" in text
        # worked out again from the postings: grades and ways up and down
        grades = {}
        elected = demoted = 0
        for p in (p for p in view["postings"] if p["year"] == year["year"]):
            if p["kind"] == "appraisal":
                for r in p["body"]["rows"]:
                    grades[r["grade"]] = grades.get(r["grade"], 0) + 1
                demoted += sum(c["type"] == "demotion" for c in p["body"]["consequences"])
            if p["kind"] == "selection":
                elected += sum(len(v["elected"]) for v in p["body"]["leaders"])
                elected += sum(len(v["elected"]) for v in p["body"]["deputies"])
            if p["kind"] == "decision" and p["body"]["outcome_type"] == "demotion":
                demoted += 1
        assert total["appraised"] == sum(grades.values())
        assert {g: n for g, n in total["grades"].items() if n} == grades
        assert total["moves"]["elected"] == elected and total["up"] == elected
        assert total["moves"]["demotion"] == demoted
    names = {r["name"] for p in view["postings"] for r in p["body"].get("rows", [])}
    names |= {p["body"]["name"] for p in view["postings"] if p["kind"] == "decision"}
    for name in names:
        assert name not in page.read_text(encoding="utf-8"), name
    raw = page.read_text(encoding="utf-8")
    assert raw.count('<svg class="chart" role="img"') >= 2
    assert 'href="stats.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_a_decided_case_counts_as_a_way_down(view):
    decision = next(p for p in view["postings"] if p["kind"] == "decision")
    year = next(y for y in statistics(view)["years"] if y["year"] == decision["year"])
    assert year["total"]["moves"][decision["body"]["outcome_type"]] >= 1
    assert year["total"]["down"] >= 1


# ---------------------------------------------------------------- charts


def test_months_without_a_posting_are_marked_not_drawn_as_zero(site, view):
    raw = (site / "units" / "hexi.html").read_text(encoding="utf-8")
    title = raw.index("年各月积分合计</title>")
    chart = raw[raw.rindex("<svg", 0, title) : raw.index("</svg>", title)]
    posted = {p["month"] for p in view["postings"] if p["kind"] == "points"}
    assert chart.count('class="bar"') == len(posted)
    assert chart.count(">未公示</text>") == 12 - len(posted)
    assert "未公示" in html.unescape(chart.split("<desc>")[1].split("</desc>")[0])


# ---------------------------------------------------------------- language, 404, status


def test_every_page_says_it_is_in_simplified_chinese(site):
    for page in site.rglob("*.html"):
        assert '<html lang="zh-CN"' in page.read_text(encoding="utf-8"), page


def test_no_page_of_a_build_outside_git_shows_english(site):
    """The browser test reads the demo county, kept in git; this build is not in git."""
    allowed = re.compile(r"[A-Z][0-9]{1,2}|JSON|CSV|Atom|UTF-8")
    english = {}
    for page in sorted(site.rglob("*.html")):
        raw = page.read_text(encoding="utf-8")
        body = raw[raw.index("<body") :]
        body = re.sub(r"<(script|style|details)\b.*?</\1>", " ", body, flags=re.S)
        words = re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", html.unescape(re.sub(r"<[^>]+>", " ", body)))
        if odd := sorted({w for w in words if not allowed.fullmatch(w)}):
            english[page.relative_to(site).as_posix()] = odd
    assert english == {}


def test_the_404_page_is_in_chinese(site):
    text = text_of(site / "404.html")
    assert "页面不存在" in text and "Not found" not in text


def test_serve_answers_a_missing_page_with_the_sites_404_page(site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(site))
    )
    SiteHandler.log_message = lambda *args: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request("GET", "/postings/no-such-posting.html")
        response = conn.getresponse()
        body = response.read().decode("utf-8")
        assert response.status == 404
        assert "页面不存在" in body and "Not Found" not in body
        conn.request("GET", "/index.html")
        ok = conn.getresponse()
        ok.read()
        assert ok.status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_only_open_postings_carry_the_dates_the_browser_needs(site, view):
    for posting in view["postings"]:
        raw = (site / "postings" / f"{posting['id']}.html").read_text(encoding="utf-8")
        badge = re.search(r'<span class="posting-status[^"]*"[^>]*>', raw).group(0)
        if posting["open"]:
            assert f'data-end="{posting["end"]}"' in html.unescape(badge)
            assert f'data-as-of="{view["as_of"]}"' in html.unescape(badge)
        else:
            assert "data-end" not in badge  # a closed posting's page never changes
