"""The public-posting site: escaping, privacy, reproducibility, atomic replacement, offline.

Most tests build a small repository: tests/fixtures/mini with the files of
tests/fixtures/site-repo laid over it (a selection round, a second month of points, a
decided case), so that every kind of posting is on the site. The privacy test reads the
demo county's site, built once for the whole run (conftest's `demo_site`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import marshal
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from generator import gitstore
from generator.audit import audit_site
from generator.cli_site import build
from generator.pipeline import check_dir, check_files, compute_checked
from generator.privacy import MOBILE, RESIDENT_ID
from generator.repository import read_tree
from generator.rules.postings import compute_postings
from generator.schema import private_leaves, raw_schema
from generator.site import build as site_build
from generator.site import html_blocks, render
from generator.site.build import MARKER, source_date_epoch
from generator.site.escape import md_escape
from generator.site.project import project
from generator.site.sitemap import page_dates

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini"
OVERLAY = HERE / "fixtures" / "site-repo" / "records"


@pytest.fixture
def site_repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(MINI, dest)
    shutil.copytree(OVERLAY, dest / "records", dirs_exist_ok=True)
    return dest


def run_build(repo: Path, out: Path, *args: str):
    result = CliRunner().invoke(
        build,
        ["--records", str(repo / "records"), "--out", str(out), *args],
        catch_exceptions=False,
    )
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One build of the site repository, shared by the read-only tests below."""
    repo = tmp_path_factory.mktemp("built") / "repo"
    shutil.copytree(MINI, repo)
    shutil.copytree(OVERLAY, repo / "records", dirs_exist_ok=True)
    out = repo / "site"
    result = run_build(repo, out)
    assert result.exit_code == 0, result.output
    return out


# ---------------------------------------------------------------- escaping


HOSTILE = [
    "<script>alert(1)</script>",
    "[点我](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "甲 | 乙 | 丙",
    "第一行\n# 标题",
    "{{ 7*7 }} {% if %}",
    '--8<-- "/etc/passwd"',
    "文字 {: .evil #id }",
    "**粗** _斜_ *em* ~~删~~ `代码`",
    "&lt; &#60; &amp;",
    "1. 列表\n- 项目\n> 引用\n    缩进代码",
    "<!-- 注释 -->",
    "\\*反斜杠\\*",
    '!!! note "标题"',
    "<https://example.org> https://example.org",
]
MARKUP_CHARS = set("<>[]()|*_{}#`~!&\\:=\"'")


@pytest.mark.parametrize("value", HOSTILE)
def test_md_escape_leaves_no_markup_and_keeps_the_text(value):
    out = str(md_escape(value))
    bare = re.sub(r"&#[0-9]+;", "", out.replace("<br>", ""))
    assert not MARKUP_CHARS & set(bare), bare
    lines = [" ".join(line.split()) for line in value.split("\n")]
    assert html.unescape(out.replace("<br>", "\n")) == "\n".join(lines)


@pytest.mark.parametrize(
    ("value", "shown"), [(85, "85"), ("85.50", "85.50"), ("王建国", "王建国"), (None, "")]
)
def test_md_escape_prints_plain_words_and_numbers_as_they_are(value, shown):
    assert str(md_escape(value)) == shown


@pytest.mark.parametrize("name", ["safe", "tojson", "xmlattr", "urlize"])
def test_templates_cannot_print_a_value_unescaped(name):
    template = render.environment().from_string("{{ x | " + name + " }}")
    with pytest.raises(jinja2.TemplateRuntimeError):
        template.render(x="<b>粗</b>", page_path="index.md")


def test_every_printed_value_is_escaped_by_default():
    out = (
        render.environment()
        .from_string("{{ x }}|{{ x | e }}|{{ [x] | join }}")
        .render(x="<b>*粗*</b>", page_path="index.md")
    )
    assert out == "|".join(["&#60;b&#62;&#42;粗&#42;&#60;&#47;b&#62;"] * 3)


class Page(HTMLParser):
    """The tags and the text of a built page's article (its content, without the theme)."""

    def __init__(self, raw: str):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(raw)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif self.depth:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)

    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def test_hostile_values_from_records_render_as_literal_text(site_repo, tmp_path):
    r = site_repo / "records"
    unit_name = "河西镇<script>alert(1)</script>|*x*{: .evil}"
    team = "东片<b>粗</b> {{ 7*7 }}"
    report = "全面完成<script>alert(2)</script>\n# 标题\n--8<-- /etc/passwd\n[点我](javascript:alert(3)) <img src=x onerror=alert(4)>\n{: .attr} **粗** _斜_ | 管道 |\n<!--cadre-html:0-->"
    reason = "=HYPERLINK(1) | a *b* <i>i</i> <!--cadre-html:0-->"  # the place of a table
    summary = "经研究决定。\n## 假标题\n<a href='javascript:alert(5)'>链接</a> ~~删~~"
    _edit(r / "units" / "hexi.yaml", "name: 河西镇\n", f"name: {_yaml(unit_name)}\n")
    _edit(r / "units" / "hexi.yaml", "name: 东片,", f"name: {_yaml(team)},")
    _edit(
        r / "appraisals" / "2025" / "hexi.yaml",
        "report: 全面完成年度目标任务。",
        f"report: {_yaml(report)}",
    )
    _edit(
        r / "points" / "2025" / "11" / "hexi.yaml",
        "reason: 会议迟到一次",
        f"reason: {_yaml(reason)}",
    )
    _edit(
        r / "cases" / "case-001.yaml",
        "summary: 经县委常委会研究，决定调整其职务。",
        f"summary: {_yaml(summary)}",
    )
    out = tmp_path / "site"
    result = run_build(site_repo, out)
    assert result.exit_code == 0, result.output

    pages = {
        "postings/appraisal-2025-hexi.html": [unit_name, report],
        "postings/points-2025-11-hexi.html": [reason],
        "postings/selection-hexi-2025.html": [team],
        "postings/decision-case-001.html": [summary],
        "units/hexi.html": [unit_name],
    }
    for rel, literals in pages.items():
        raw = (out / rel).read_text(encoding="utf-8")
        page = Page(raw)
        for literal in literals:  # lines become <br>: compare without whitespace
            assert "".join(literal.split()) in "".join(page.plain().split()), (rel, literal)
        tags = [t for t, _ in page.tags]
        assert "script" not in tags and "img" not in tags and "i" not in tags and "b" not in tags, (
            rel
        )
        assert "del" not in tags and "em" not in tags, rel
        assert tags.count("h1") == 1, rel  # no heading made from a value
        for _tag, attrs in page.tags:
            assert not (attrs.get("href") or "").startswith("javascript"), rel
            assert not {"evil", "attr"} & set((attrs.get("class") or "").split()), rel
        title = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
        assert "<" not in title, (rel, title)
        assert "alert(" not in "".join(re.findall(r"<script[^>]*>(.*?)</script>", raw, re.S)), rel
        assert "<b>粗" not in raw and "<strong>粗" not in raw, rel
    for page_file in out.rglob("*.html"):  # navigation, table of contents, titles: every page
        raw = page_file.read_text(encoding="utf-8")
        assert (
            "<script>alert" not in raw and "<b>粗" not in raw and "javascript:alert" not in raw
        ), page_file
        assert "<!--cadre-html" not in raw, page_file  # every place filled, none forged
    appraisal = (out / "postings/appraisal-2025-hexi.html").read_text(encoding="utf-8")
    assert appraisal.count("<table") == 2  # the grades and the pools: no third from a value


def test_a_table_is_lifted_whole_from_its_opening_line_to_its_closing_one_or_not_at_all():
    page = "甲\n<table>\n<tr><td>1</td></tr>\n</table>\n乙\n<table>\n未完\n"
    text, blocks = html_blocks.lift(page)
    assert blocks == ["<table>\n<tr><td>1</td></tr>\n</table>"]
    assert text == "甲\n<!--cadre-html:0-->\n乙\n<table>\n未完\n"
    # a table inside a table: only the inner one is whole
    text, blocks = html_blocks.lift("<table>\n<table>\nx\n</table>\n</table>\n")
    assert blocks == ["<table>\nx\n</table>"]
    assert html_blocks.put_back(text, blocks) == "<table>\n<table>\nx\n</table>\n</table>\n"


def test_tables_and_charts_around_markdown_give_the_same_site(site_repo, tmp_path, monkeypatch):
    """Tables and charts skip Markdown (`html_blocks`); the pages are the same bytes."""
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    lifted = []

    def counted(markdown):
        text, blocks = html_blocks.lift(markdown)
        lifted.extend(blocks)
        return text, blocks

    monkeypatch.setattr(site_build, "lift", counted)
    assert run_build(site_repo, tmp_path / "around").exit_code == 0
    kinds = {block.split(">", 1)[0] for block in lifted}
    assert '<table class="stack"' in kinds and '<figure class="chart"' in kinds, kinds

    monkeypatch.setattr(site_build, "lift", lambda markdown: (markdown, []))
    assert run_build(site_repo, tmp_path / "through").exit_code == 0
    assert snapshot(tmp_path / "around") == snapshot(tmp_path / "through")


# ---------------------------------------------------------------- privacy


PRIVATE_KEYS = {
    "birth_date",
    "gender",
    "employment",
    "specialist",
    "facts",
    "note",
    "channel",
    "democratic",
    "daily",
    "components",
    "raters",
    "alerts",
    "forced_by",
    "two_way",
    "second_round",
}


def _keys(value, out: set) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            _keys(v, out)
    elif isinstance(value, list):
        for v in value:
            _keys(v, out)


def test_no_private_value_reaches_any_built_file(demo_repo, demo_site):
    out = demo_site
    checked = check_dir(demo_repo / "records")
    rec = checked.records

    # Every private string and date of the records, whole or in long segments, and every
    # ID- or mobile-like number, in every file (HTML, JSON, CSV, XML, search index).
    assert [leak.text() for leak in audit_site(out, rec)] == []

    files = {
        p: p.read_bytes().decode("utf-8", "replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix != ".gz"
    }
    decoded = {p: html.unescape(t) for p, t in files.items()}
    ours = {p: t for p, t in decoded.items() if "assets" not in p.relative_to(out).parts}

    birth_dates = {doc.data["birth_date"] for doc in rec.people.values()}
    private_text = set()
    for group, kind in (
        (rec.incidents, "incident"),
        (rec.cases, "case"),
        (rec.appraisals, "appraisal"),
    ):
        for doc in group.values():
            for _path, value in private_leaves(raw_schema(kind), doc.data):
                if (
                    isinstance(value, str)
                    and len(value) >= 4
                    and not re.fullmatch(r"[0-9-]+|[a-z_]+", value)
                ):
                    private_text.add(value)
    channels = {doc.data["channel"] for doc in rec.incidents.values()}
    for path, text in ours.items():
        for value in birth_dates | private_text:
            assert value not in text, (path, value)
        for code in channels:  # a code is a word: match it whole
            assert not re.search(rf"(?<![A-Za-z_]){code}(?![A-Za-z_])", text), (path, code)

    # Nothing internal from the results: no alert message, no undecided case.
    results, _ = compute_checked(
        checked, {"digest": "x", "commit": None, "date": None, "dirty": None}
    )
    for alert in results["alerts"]:
        for path, text in ours.items():
            assert alert["message"] not in text, (path, alert["rule"])
    for cid, doc in rec.cases.items():
        if "decision" not in doc.data:
            assert not (out / "postings" / f"decision-{cid}.html").exists()

    # No private field name in any download, and no record file copied into the site.
    for path in (out / "data").glob("*.json"):
        keys: set = set()
        _keys(json.loads(path.read_text(encoding="utf-8")), keys)
        assert not keys & PRIVATE_KEYS, (path.name, keys & PRIVATE_KEYS)
    assert not list(out.rglob("*.yaml")) and not list(out.rglob("*.yml"))
    for text in decoded.values():
        assert not RESIDENT_ID.search(text) and not MOBILE.search(text)


# ---------------------------------------------------------------- reproducible, atomic


def test_two_builds_are_byte_identical(built, site_repo, tmp_path):
    again = tmp_path / "again"
    result = run_build(site_repo, again)
    assert result.exit_code == 0, result.output
    first, second = snapshot(built), snapshot(again)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_a_build_with_validation_errors_leaves_the_previous_site_untouched(site_repo, tmp_path):
    out = tmp_path / "site"
    assert run_build(site_repo, out).exit_code == 0
    before = snapshot(out)
    _edit(
        site_repo / "records" / "people" / "hx-003.yaml",
        "birth_date: 1990-02-01",
        "birth_date: 1990-02-31",
    )
    result = run_build(site_repo, out)
    assert result.exit_code == 1
    assert "records/people/hx-003.yaml:" in result.output and "birth_date" in result.output
    assert "原有网站未改动" in result.output and "Traceback" not in result.output
    assert "1990-02-31" not in result.output  # the report never quotes a value
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "repo",
        "site",
    ]  # no half-built folder left


def test_a_failing_mkdocs_build_leaves_the_previous_site_untouched(
    site_repo, tmp_path, monkeypatch
):
    out = tmp_path / "site"
    assert run_build(site_repo, out).exit_code == 0
    before = snapshot(out)

    def broken(*args, **kwargs):
        raise site_build.SiteError("mkdocs 构建失败 (mkdocs build failed): simulated")

    monkeypatch.setattr(site_build, "run_mkdocs", broken)
    result = run_build(site_repo, out)
    assert result.exit_code == 1
    assert "simulated" in result.output and "Traceback" not in result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


def test_a_folder_that_is_not_a_built_site_is_never_replaced(site_repo, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_build(site_repo, out)
    assert result.exit_code == 1 and "拒绝覆盖" in result.output
    assert snapshot(out) == {"keep.txt": b"mine"}


def test_a_built_site_is_marked_and_replaced_by_the_next_build(built):
    assert (built / MARKER).is_file()
    assert (built / "index.html").is_file()


def test_bad_as_of_is_a_usage_error(site_repo, tmp_path):
    result = run_build(site_repo, tmp_path / "site", "--as-of", "2026-13-01")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_source_date_epoch_outside_git_is_fixed_by_the_records_digest(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    zeros, ones = "sha256:" + "0" * 64, "sha256:" + "1" * 64
    history = gitstore.records_history(tmp_path)
    assert history is None
    assert source_date_epoch(history, zeros) == source_date_epoch(history, zeros)
    assert source_date_epoch(history, zeros) != source_date_epoch(history, ones)


# ---------------------------------------------------------------- offline


NAMESPACES = {
    "http://www.w3.org/2000/svg",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.w3.org/2005/Atom",
}


class Links(HTMLParser):
    def __init__(self, raw: str):
        super().__init__()
        self.urls: list[str] = []
        self.feed(raw)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (
                name in ("src", "href", "action", "srcset", "poster", "data", "formaction")
                and value
            ):
                self.urls.append(value)


def test_no_built_file_references_an_external_host(built):
    """Pages, downloads, search index and sitemap name no host; every link is relative.

    The theme's own JavaScript bundle (assets/) carries URLs of optional features (mermaid
    diagrams, repository facts, polyfills for old browsers) that load only when a page
    uses them; ours use none, and tests/test_browser.py shows that no request leaves.
    Its stylesheets load nothing: no font or import from anywhere.
    """
    for path in built.rglob("*"):
        if not path.is_file() or path.suffix in (".png", ".gz"):
            continue
        rel = path.relative_to(built)
        text = path.read_text(encoding="utf-8", errors="replace")
        if rel.parts[0] == "assets":
            if path.suffix == ".css":
                assert "@import" not in text and "fonts.googleapis" not in text
                for url in re.findall(r"url\(([^)]*)\)", text):
                    assert not re.match(r"['\"]?(https?:)?//", url), (rel, url)
            continue
        for url in re.findall(r"https?://[^\s\"'<>)]+", text):
            assert url in NAMESPACES, (rel, url)
        if path.suffix == ".html":
            for url in Links(text).urls:
                if url.startswith("tel:"):  # the objection office's phone: dialled, not fetched
                    continue
                assert not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", url), (rel, url)


# ---------------------------------------------------------------- pages and downloads


def test_every_posting_has_a_page_and_its_json_and_csv(built):
    postings = json.loads((built / "data" / "postings.json").read_text(encoding="utf-8"))[
        "postings"
    ]
    ids = sorted(p["id"] for p in postings)
    assert ids == [
        "appraisal-2025-hexi",
        "decision-case-001",
        "points-2025-11-hexi",
        "points-2025-12-hexi",
        "selection-hexi-2025",
    ]
    for pid in ids:
        assert (built / "postings" / f"{pid}.html").is_file()
        data = json.loads((built / "data" / f"{pid}.json").read_text(encoding="utf-8"))
        assert data["posting"]["id"] == pid and "contact" in data["posting"]
        csv_text = (built / "data" / f"{pid}.csv").read_bytes().decode("utf-8-sig")
        assert csv_text.splitlines()[0]  # a header row with Chinese column names


def test_home_page_lists_open_postings_with_period_and_contact(built):
    page = Page((built / "index.html").read_text(encoding="utf-8")).plain()
    # As of 2026-01-20 (the latest event), the appraisal (from Tue 20 Jan) and the decision
    # (Fri 16 Jan: 16, 19, 20, 21, 22) are open; the points of December ended on 9 January.
    assert "河西镇2025年度绩效考核结果公示" in page
    assert "公示期：2026年1月20日至2026年1月26日（5个工作日）" in page
    assert "公示期：2026年1月16日至2026年1月22日（5个工作日）" in page
    assert "测试县委组织部干部监督室" in page and "0745-6212380" in page
    assert page.count("公示期：") == 2


def test_appraisal_page_shows_grades_and_scores_as_policy_says(built):
    page = Page(
        (built / "postings" / "appraisal-2025-hexi.html").read_text(encoding="utf-8")
    ).plain()
    assert "王建国 党委书记 单位主要领导" in page and "得分" in page  # the fixture publishes scores
    assert "全面完成年度目标任务。" in page  # a public work-report summary
    assert "<svg" in (built / "postings" / "appraisal-2025-hexi.html").read_text(encoding="utf-8")


def test_selection_page_shows_counts_elected_and_placements(built):
    page = Page(
        (built / "postings" / "selection-hexi-2025.html").read_text(encoding="utf-8")
    ).plain()
    assert "参加竞争上岗2人，新岗位自2025年3月10日起生效。" in page
    # S1: 2 eligible, 2 present, 2 valid; 李秀兰 2 votes = 100.00% of the valid ballots.
    assert "第1轮：应到2人，实到2人，有效票2张，无效票0张；结果：选出。" in page
    assert "李秀兰 2 100.00% 当选" in page
    # S3: 东片 quota 2, leader 李秀兰, 赵小明 placed by two-way selection, nobody short.
    assert "东片 2 李秀兰 赵小明 0" in page


def test_decision_page_shows_outcome_basis_and_later_steps(built):
    page = Page((built / "postings" / "decision-case-001.html").read_text(encoding="utf-8")).plain()
    for text in (
        "姓名 李秀兰",
        "处理方式 改任非领导职务",
        "决定机构 县委常委会",
        "决定文号 测组〔2026〕3号",
        "认定情形 不胜任现职情形：不能胜任本职工作",
        "经县委常委会研究，决定调整其职务。",
        "复核：2026年1月19日提出，2026年1月20日作出决定：维持原决定",
        "F6：调整按照干部管理权限进行",
    ):
        assert text in page, text
    for private in (
        "核实人员内部记录的谈话要点",
        "方案讨论内部记录",
        "分管工作多项指标排名靠后",
        "内部掌握",
    ):
        assert private not in page


def test_serve_without_a_site_is_a_usage_error(tmp_path):
    from generator.cli_site import serve

    result = CliRunner().invoke(serve, ["--no-build", "--out", str(tmp_path / "none")])
    assert result.exit_code == 2 and "cadre build" in result.output


def test_large_pages_stay_out_of_the_search_index(built):
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "postings/appraisal-2025-hexi.html" in locations
    assert "postings/points-2025-11-hexi.html" in locations  # names are searchable
    assert not {loc for loc in locations if loc.startswith(("data/", "archive/2"))}


def test_search_entries_leave_mkdocs_page_by_page_and_all_reach_the_index(
    site_repo, tmp_path, monkeypatch
):
    """mkdocs's hook takes each page's search entries as the page is written, so mkdocs
    holds none at the end (at a province's scale, gigabytes): the index it writes has no
    entries, and the one published has every entry the hook took, each page's together."""
    seen = {}
    real = site_build.read_search

    def spy(site_dir, drained):
        seen["mkdocs"] = json.loads((site_dir / "search" / "search_index.json").read_bytes())
        seen["drained"] = drained.read_bytes().splitlines()
        return real(site_dir, drained)

    monkeypatch.setattr(site_build, "read_search", spy)
    out = tmp_path / "site"
    assert run_build(site_repo, out).exit_code == 0
    assert seen["mkdocs"]["docs"] == [] and seen["mkdocs"]["config"]
    pages = [json.loads(line.partition(b"\t")[0]) for line in seen["drained"]]
    assert len(pages) == len(set(pages)) > 5  # a line per page
    index = json.loads((out / "search" / "search_index.json").read_bytes())
    located = [d["location"].split("#")[0] for d in index["docs"]]
    assert sorted(set(located)) == sorted(pages) and located == sorted(located)
    drained = sum(
        len(json.loads(b"[" + line.partition(b"\t")[2] + b"]")) for line in seen["drained"]
    )
    assert len(index["docs"]) == drained


def test_navigation_is_short_on_every_posting_page(built):
    """Postings are not in the navigation, and pruning keeps only the top level beside them."""
    for page in (built / "postings").glob("*.html"):
        raw = page.read_text(encoding="utf-8")
        nav = raw[raw.index('class="md-nav md-nav--primary"') : raw.index("md-sidebar--secondary")]
        links = re.findall(r'href="([^"#]+)" class="md-nav__link', nav)
        assert links == [
            "../index.html",
            "../archive/index.html",
            "../units/index.html",
            "../stats.html",
            "../data/index.html",
        ]


# ---------------------------------------------------------------- provenance


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=测试", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_posting_pages_list_the_commits_that_changed_their_records(site_repo, tmp_path):
    _git(site_repo, "init", "-q")
    _git(site_repo, "add", "records")
    _git(site_repo, "commit", "-q", "-m", "first")
    _edit(
        site_repo / "records" / "points" / "2025" / "11" / "hexi.yaml",
        "完成秋季征兵宣传",
        "完成秋季征兵宣传工作",
    )
    _git(site_repo, "commit", "-q", "-am", "second")
    log = subprocess.run(
        ["git", "log", "--format=%H"], cwd=site_repo, capture_output=True, text=True
    ).stdout.split()
    second, first = log
    records_changed = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=site_repo, capture_output=True, text=True
    ).stdout.strip()
    history = gitstore.records_history(site_repo / "records")
    assert source_date_epoch(history, "sha256:x") == int(records_changed)
    out = tmp_path / "site"
    assert run_build(site_repo, out).exit_code == 0
    points = Page(
        (out / "postings" / "points-2025-11-hexi.html").read_text(encoding="utf-8")
    ).plain()
    appraisal = Page(
        (out / "postings" / "appraisal-2025-hexi.html").read_text(encoding="utf-8")
    ).plain()
    home = Page((out / "index.html").read_text(encoding="utf-8")).plain()
    assert f"记录的提交编号：{second}" in home  # the records' version, site-wide
    # a posting page names only its own records' commits, so it stays the same while others change
    assert "记录版本" not in points and "记录版本" not in appraisal
    assert second[:12] in points.split("修改过这些记录的提交")[1] and first[:12] in points
    assert (
        second[:12] not in appraisal.split("修改过这些记录的提交")[1]
    )  # only its own files' commits
    assert "测试" not in appraisal.split("来源")[1]  # authors are not published


def test_a_build_outside_git_says_so(built):
    page = Page((built / "postings" / "decision-case-001.html").read_text(encoding="utf-8")).plain()
    assert "本次生成网站的记录不在版本库中" in page


# ---------------------------------------------------------------- the projection alone


def test_projection_passes_only_allowed_results(tmp_path):
    files = read_tree(MINI / "records")
    files["policy/2025.yaml"] = files["policy/2025.yaml"].replace(
        b"publish_scores: true", b"publish_scores: false"
    )
    as_of = dt.date(2026, 1, 20)
    checked = check_files(files, as_of)
    rec = checked.records
    results = {
        "as_of": "2026-01-20",
        "source": {"commit": None, "date": None, "dirty": None, "digest": "sha256:0"},
        "appraisals": [
            {
                "person": "hx-003",
                "year": 2025,
                "unit": "hexi",
                "category": "staff",
                "pool": "hexi/staff",
                "components": {"results": "80.00", "daily": "85.00", "democratic": "84.00"},
                "total": "80.90",
                "rank": 1,
                "grade": "basically_competent",
                "forced_by": ["F5"],
                "sources": [],
            },
        ],
        "actions": [
            {
                "person": "hx-003",
                "rule": "A5",
                "type": "no_promotion",
                "label": "不得晋升职务",
                "year": 2025,
                "effective": "2026-01-20",
                "until": "2027-01-20",
                "basis": {"policy": 2025, "clause": "A5条文", "sources": []},
            },
            {
                "person": "hx-003",
                "rule": "F3",
                "type": "suspension_first",
                "label": "先待岗再处理（内部）",
                "effective": "2025-11-03",
                "until": None,
                "basis": {"policy": 2025, "clause": "F3条文", "sources": []},
            },
        ],
        "points": {"months": [], "units": [], "people": []},
        "selections": [],
        "alerts": [
            {
                "rule": "T2",
                "type": "retirement_due",
                "person": "hx-001",
                "unit": "hexi",
                "date": "2030-04-12",
                "message": "将于2030年4月退休（内部提示）",
                "sources": [],
            }
        ],
    }
    results["postings"] = compute_postings(rec, as_of, results)
    view = project(rec, results)
    text = json.dumps(view, ensure_ascii=False)
    for hidden in (
        "80.90",
        "85.00",
        "内部提示",
        "先待岗再处理",
        "F3条文",
        "forced_by",
        "2030-04-12",
        "components",
    ):
        assert hidden not in text, hidden
    appraisal = next(p for p in view["postings"] if p["kind"] == "appraisal")
    assert appraisal["body"]["rows"] == [
        {
            "name": "赵小明",
            "post": "科员",
            "category": "一般工作人员",
            "grade": "basically_competent",
            "grade_label": "基本称职",
            "score": None,
            "decision": None,
        }
    ]
    assert appraisal["body"]["consequences"] == [
        {
            "name": "赵小明",
            "rule": "A5",
            "type": "no_promotion",
            "label": "不得晋升职务",
            "effective": "2026-01-20",
            "until": "2027-01-20",
            "clause": "A5条文",
        }
    ]


def test_build_with_the_default_relative_out_folder_fills_it(tmp_path, monkeypatch):
    """The README's command: `cadre build` from the repository root, writing ./site."""
    from click.testing import CliRunner

    from generator.cli import main

    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", repo)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (repo / "site" / "index.html").exists()
    assert (repo / "site" / "search" / "search_index.json").exists()
    assert not list(repo.glob(".site.*"))


def reused_pages(output: str) -> int:
    return int(re.search(r"(\d+) 个(?:页面)?沿用上次构建", output).group(1))


def pages_of(site: Path) -> list[str]:
    """The site's pages (those made from Markdown: every .html but the theme's 404 page)."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"
    )


def test_unchanged_pages_are_reused_and_the_site_is_the_same(site_repo, tmp_path, monkeypatch):
    first = run_build(site_repo, tmp_path / "one")
    assert first.exit_code == 0, first.output
    assert reused_pages(first.output) == 0
    pages = len(pages_of(tmp_path / "one"))

    again = run_build(site_repo, tmp_path / "two")
    assert reused_pages(again.output) == pages  # navigation pages too
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")

    # one work report changes: it shows on its appraisal posting only; the pages that name the
    # records' digest (home, statistics, the data page) change with any record
    appraisal = site_repo / "records/appraisals/2025/hexi.yaml"
    text = appraisal.read_text(encoding="utf-8")
    appraisal.write_text(
        text.replace("全面完成年度目标任务。", "超额完成年度目标任务。"), encoding="utf-8"
    )
    rendered = []
    real = render.environment

    def counting():
        env = real()
        get = env.get_template
        env.get_template = lambda name, *a, **k: rendered.append(name) or get(name, *a, **k)
        return env

    monkeypatch.setattr(render, "environment", counting)
    edited = run_build(site_repo, tmp_path / "three")
    assert edited.exit_code == 0, edited.output
    monkeypatch.undo()
    # of the postings' and units' pages, only the changed posting's was rendered again
    assert [n for n in rendered if n in ("posting.md.j2", "unit.md.j2")] == ["posting.md.j2"], (
        rendered
    )
    downloads = {
        p.relative_to(tmp_path / "one").as_posix()
        for p in (tmp_path / "one/data").glob("*-*.*")
        if p.read_bytes() != (tmp_path / "three/data" / p.name).read_bytes()
    }
    assert downloads == {"data/appraisal-2025-hexi.json"}  # the CSV has no work reports
    changed = {
        p
        for p in pages_of(tmp_path / "one")
        if (tmp_path / "one" / p).read_bytes() != (tmp_path / "three" / p).read_bytes()
    }
    assert changed == {
        "postings/appraisal-2025-hexi.html",
        "index.html",
        "stats.html",
        "data/index.html",
    }
    assert reused_pages(edited.output) == pages - len(changed)
    page = (tmp_path / "three/postings/appraisal-2025-hexi.html").read_text(encoding="utf-8")
    assert "超额完成年度目标任务" in page and "全面完成年度目标任务" not in page

    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    fresh = run_build(site_repo, tmp_path / "fresh")
    assert reused_pages(fresh.output) == 0
    assert snapshot(tmp_path / "three") == snapshot(tmp_path / "fresh")


def test_a_navigation_page_built_alone_is_the_same_as_in_a_whole_build(site_repo, tmp_path):
    """The navigation names its pages itself: a page built while every other page is reused
    (excluded from mkdocs) still lists them all, with their titles."""
    assert run_build(site_repo, tmp_path / "one").exit_code == 0
    stored = site_repo / ".cache/cadre/pages"
    archive = [
        f
        for f in stored.iterdir()
        if "<title>公示归档" in marshal.loads(f.read_bytes())["html"].decode()
    ]
    assert len(archive) == 1
    archive[0].unlink()
    again = run_build(site_repo, tmp_path / "two")
    assert reused_pages(again.output) == len(pages_of(tmp_path / "one")) - 1
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    page = (tmp_path / "two/archive/index.html").read_text(encoding="utf-8")
    years = sorted(p.stem for p in (tmp_path / "two/archive").glob("2*.html"))
    assert years
    for year in years:
        assert f"{year}年公示" in page and f'href="{year}.html"' in page


def test_units_are_reached_from_their_index_not_listed_on_every_page(demo_site):
    """A province has thousands of units: the navigation beside each page names none of them."""
    units = sorted(p.name for p in (demo_site / "units").glob("*.html") if p.name != "index.html")
    assert len(units) >= 3
    index = (demo_site / "units/index.html").read_text(encoding="utf-8")
    for page in [demo_site / "index.html", *sorted((demo_site / "postings").glob("*.html"))]:
        nav = page.read_text(encoding="utf-8").split('<div class="md-content"')[0]
        assert "各单位公示" not in nav and "单位" in nav  # one entry, to the index
        assert not any(f"units/{unit}" in nav for unit in units)
    for unit in units:
        assert f'href="{unit}"' in index  # the index links each unit


def test_a_site_url_gives_a_sitemap_of_every_page_dated_by_its_records(
    site_repo, tmp_path, monkeypatch
):
    config = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    (site_repo / "mkdocs.yml").write_text(
        config + "\nsite_url: https://gongshi.example.gov.cn/nsns/\n", encoding="utf-8"
    )
    git = ["git", "-C", str(site_repo), "-c", "user.name=clerk", "-c", "user.email=c@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    env = {**os.environ, "GIT_COMMITTER_DATE": "2026-11-30T10:00:00+08:00"}
    subprocess.run([*git, "commit", "-qm", "records"], check=True, env=env)

    first = run_build(site_repo, tmp_path / "one")
    assert first.exit_code == 0, first.output
    again = run_build(site_repo, tmp_path / "two")
    assert reused_pages(again.output) == len(pages_of(tmp_path / "one"))  # a site_url reuses too
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")

    xml = (tmp_path / "two/sitemap.xml").read_text(encoding="utf-8")
    listed = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", xml))
    base = "https://gongshi.example.gov.cn/nsns/"
    assert sorted(listed) == [base + page for page in pages_of(tmp_path / "two")]
    # every record was committed on 2026-11-30, after every posting started: that is each date
    assert set(listed.values()) == {"2026-11-30"}
    assert gzip.decompress((tmp_path / "two/sitemap.xml.gz").read_bytes()) == xml.encode()

    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    assert run_build(site_repo, tmp_path / "fresh").exit_code == 0
    assert snapshot(tmp_path / "fresh") == snapshot(tmp_path / "two")


def test_sitemap_dates_come_from_each_pages_records():
    view = {
        "as_of": "2026-03-01",
        "postings": [
            {"id": "a", "unit": "u1", "start": "2025-01-10", "commits": [{"date": "2025-02-01"}]},
            {"id": "b", "unit": "u1", "start": "2025-06-01", "commits": []},
            {"id": "c", "unit": "u2", "start": "2024-12-01", "commits": None},
        ],
    }
    pages = [
        "index.md",
        "units/u1.md",
        "units/u2.md",
        "units/u3.md",
        "postings/a.md",
        "postings/b.md",
        "postings/c.md",
    ]
    assert page_dates(view, pages) == {
        "postings/a.md": "2025-02-01",  # its last commit, after its start
        "postings/b.md": "2025-06-01",  # no commit: its start
        "postings/c.md": "2024-12-01",
        "units/u1.md": "2025-06-01",  # its newest posting
        "units/u2.md": "2024-12-01",
        "units/u3.md": "2025-06-01",  # no posting: the newest of all, as every other page
        "index.md": "2025-06-01",
    }
    assert page_dates({"as_of": "2026-03-01", "postings": []}, ["index.md"]) == {
        "index.md": "2026-03-01"
    }


def test_a_damaged_stored_page_is_built_again(site_repo, tmp_path):
    assert run_build(site_repo, tmp_path / "one").exit_code == 0
    stored = sorted((site_repo / ".cache/cadre/pages").iterdir())
    assert stored
    stored[0].write_bytes(b"\x00not a page")
    again = run_build(site_repo, tmp_path / "two")
    assert reused_pages(again.output) == len(stored) - 1
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_a_page_store_that_cannot_be_written_only_costs_time(site_repo, tmp_path):
    (site_repo / ".cache/cadre").mkdir(parents=True)
    (site_repo / ".cache/cadre/pages").write_text("not a folder", encoding="utf-8")
    for out in ("one", "two"):
        result = run_build(site_repo, tmp_path / out)
        assert result.exit_code == 0, result.output
        assert reused_pages(result.output) == 0
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_a_countys_own_hook_is_read_beside_its_mkdocs_yml_and_keys_the_pages(site_repo, tmp_path):
    """mkdocs names a hook relative to mkdocs.yml; the build runs elsewhere, on a copy of the
    settings, and a page kept from the last build must not outlive a change to the hook."""
    config = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    (site_repo / "mkdocs.yml").write_text(config + "\nhooks:\n  - hooks/mark.py\n", "utf-8")
    hook = site_repo / "hooks" / "mark.py"
    hook.parent.mkdir()
    mark = "def on_post_page(output, page, config):\n    return output + '<!-- {} -->'\n"
    hook.write_text(mark.format("county-mark-1"), encoding="utf-8")

    first = run_build(site_repo, tmp_path / "one")
    assert first.exit_code == 0, first.output
    pages = pages_of(tmp_path / "one")
    for page in pages:
        assert (tmp_path / "one" / page).read_text(encoding="utf-8").endswith("county-mark-1 -->")

    hook.write_text(mark.format("county-mark-2"), encoding="utf-8")
    again = run_build(site_repo, tmp_path / "two")
    assert again.exit_code == 0, again.output
    assert reused_pages(again.output) == 0  # every page carries the old mark: none is kept
    for page in pages:
        assert (tmp_path / "two" / page).read_text(encoding="utf-8").endswith("county-mark-2 -->")


@pytest.mark.parametrize(
    "text, where",
    [
        (
            "site_name: x\ntheme:\n  name: material\nmarkdown_extensions:\n"
            "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
            "mkdocs.yml:6",
        ),
        ("site_name: [unclosed\n", "mkdocs.yml"),
        ("site_name: no theme\n", "mkdocs.yml"),
        ("theme: {name: material}\nhooks: hooks/one.py\n", "mkdocs.yml"),
    ],
)
def test_a_mkdocs_yml_the_build_cannot_use_is_named_and_the_site_kept(
    site_repo, tmp_path, built, text, where
):
    out = tmp_path / "site"
    shutil.copytree(built, out)  # a site built before, as the module's one build left it
    before = snapshot(out)
    (site_repo / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = run_build(site_repo, out)
    assert result.exit_code == 1, result.output
    assert where in result.output and "Traceback" not in result.output
    assert ("!!python 标签" in result.output) == ("!!python" in text)  # the hint fits the fault
    assert snapshot(out) == before


def test_the_internal_view_keeps_its_own_pages_and_is_the_same_as_a_fresh_build(
    site_repo, tmp_path, monkeypatch
):
    """Every dossier is a page: the department's rebuild after one edit renders what changed,
    from a store of its own (a public build beside it prunes nothing of it)."""
    internal = ("--audience", "internal")
    first = run_build(site_repo, tmp_path / "one", *internal)
    assert first.exit_code == 0, first.output
    assert reused_pages(first.output) == 0
    assert run_build(site_repo, tmp_path / "public").exit_code == 0
    again = run_build(site_repo, tmp_path / "two", *internal)
    assert reused_pages(again.output) == len(pages_of(tmp_path / "one"))
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    sitemap = (tmp_path / "two/sitemap.xml").read_text(encoding="utf-8")
    assert "<url>" not in sitemap  # the internal view tells no crawler of its pages

    # a birth date shows in its person's dossier only (the department's view holds it)
    _edit(
        site_repo / "records/people/hx-004.yaml", "birth_date: 1988-11-20", "birth_date: 1988-11-21"
    )
    edited = run_build(site_repo, tmp_path / "three", *internal)
    assert edited.exit_code == 0, edited.output
    assert 0 < reused_pages(edited.output) < len(pages_of(tmp_path / "one"))
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    fresh = run_build(site_repo, tmp_path / "fresh", *internal)
    assert reused_pages(fresh.output) == 0
    assert snapshot(tmp_path / "three") == snapshot(tmp_path / "fresh")


def test_the_build_says_for_which_day_it_counted_the_open_postings(site_repo, tmp_path):
    """Pages work out their status by the reader's day; the build's count is for its as-of day."""
    result = run_build(site_repo, tmp_path / "site", "--as-of", "2026-01-22")
    assert result.exit_code == 0, result.output
    assert "按 2026年1月22日，其中" in result.output and "项公示中" in result.output


def test_the_whole_view_download_is_the_view_as_compact_json(demo_site):
    """data/public.json is put together from each posting's JSON (kept with its page); the
    bytes are those of the view written out at once."""
    raw = (demo_site / "data/public.json").read_bytes()
    view = json.loads(raw)
    assert view["postings"]
    whole = json.dumps(view, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert raw == whole.encode("utf-8")
