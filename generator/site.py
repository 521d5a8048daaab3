"""Render stage and the site build: public view -> Markdown (jinja2) -> mkdocs-material -> site/.

Only the public view (see `project`) reaches the templates. Every value a template prints
goes through one escaping helper, `md_escape`, installed as the environment's `finalize`,
so a template cannot forget it: a name or summary holding `<script>`, a `javascript:` link,
a table pipe, a heading after a newline, `{{ }}`, a snippet line or an attribute list is
shown as the characters it is. Only what this module makes itself (links, charts) is
marked safe with `Markup`.

The build's edges: git (provenance), a mkdocs subprocess (its own environment, with
SOURCE_DATE_EPOCH so that the same records give the same bytes), and the swap of the new
site into place, which happens only after everything succeeded.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

import jinja2
import yaml
from markupsafe import Markup

from .findings import Finding, has_errors
from .pages import (
    REUSABLE,
    PageStore,
    entries_by_page,
    exclude_docs,
    frame_key,
    html_path,
    page_key,
    read_search,
    write_search,
)
from .pipeline import ValidationFailed, check_and_compute, default_cache
from .project import posting_rows, project
from .provenance import git

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "site_templates"
BASE_CONFIG = ROOT / "mkdocs.yml"
MARKER = ".cadre-site"  # written into every built site; only such a folder is ever replaced

# ---------------------------------------------------------------- escaping


# Every ASCII character that Markdown, its extensions (tables, attr_list, toc, admonition,
# snippets) or HTML give a meaning to becomes a numeric character reference: the browser
# shows the character, no Markdown or HTML parser acts on it.
_SPECIAL = "\\`*_{}[]()<>#+-.!|:=~^\"'&$%@;/?,"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# Words and numbers that no parser can read as markup: printed as they are.
_PLAIN = re.compile(r"(-?[0-9]+(\.[0-9]+)?|[0-9A-Za-z\u4e00-\u9fff]+)\Z")


def md_escape(value) -> Markup:
    """Literal text for a Markdown page (and the HTML it becomes), on one line.

    Newlines become `<br>`, so a value can sit in a table cell and can never start a
    heading, list, code block or snippet line of its own.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        return Markup("是" if value else "否")
    text = str(value)
    if _PLAIN.match(text):
        return Markup(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [" ".join(line.split()).translate(_TABLE) for line in lines]
    return Markup("<br>".join(lines))


def cn_date(value: str | None) -> Markup:
    """'2026-01-20' -> '2026年1月20日'."""
    if not value:
        return Markup("")
    day = dt.date.fromisoformat(str(value)[:10])
    return Markup(f"{day.year}年{day.month}月{day.day}日")


_LINK = re.compile(r"[a-z0-9][a-z0-9/._-]*\Z")


@jinja2.pass_context
def link(context, target: str) -> Markup:
    """A relative link from the page being rendered to another file of the docs folder."""
    if not _LINK.match(target) or ".." in target:
        raise ValueError(f"unexpected link target {target!r}")
    here = PurePosixPath(context["page_path"]).parent
    depth = len(here.parts)
    return Markup("../" * depth + target)


def status(posting: dict) -> Markup:
    """The posting's state on the as-of date, as a badge."""
    if posting["open"]:
        return Markup('<span class="posting-status posting-status--open">公示中</span>')
    return Markup('<span class="posting-status">公示期已结束</span>')


def _refused(name: str):
    def refuse(*args, **kwargs):
        raise jinja2.TemplateRuntimeError(f"the {name} filter is not available in site templates")

    return refuse


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML: md_escape below does both
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cn_date"] = cn_date
    # Jinja's own escaping filters make HTML-only Markup that would skip md_escape, and
    # `safe`, `tojson` and `xmlattr` would print a value unescaped: none is available here.
    for name in ("e", "escape", "forceescape"):
        env.filters[name] = md_escape
    for name in ("safe", "tojson", "xmlattr", "urlize"):
        env.filters[name] = _refused(name)
    env.globals["link"] = link
    env.globals["status"] = status
    env.globals["grade_chart"] = grade_chart
    env.globals["points_chart"] = points_chart
    return env


# ---------------------------------------------------------------- charts (inline SVG)

GRADE_COLOURS = {
    "excellent": "#2e7d32",
    "competent": "#1565c0",
    "basically_competent": "#ef6c00",
    "incompetent": "#c62828",
    "ungraded": "#757575",
    "pending": "#9e9e9e",
}


def grade_chart(distribution: list[dict], caption: str) -> Markup:
    """Horizontal bars: how many people got each grade."""
    width, bar_h, gap, label_w = 480, 22, 8, 120
    top = max((d["count"] for d in distribution), default=0) or 1
    height = len(distribution) * (bar_h + gap) + gap
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{md_escape(caption)}</title>'
    ]
    for n, d in enumerate(distribution):
        y = gap + n * (bar_h + gap)
        w = round((width - label_w - 60) * d["count"] / top)
        colour = GRADE_COLOURS.get(d["grade"], "#757575")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{md_escape(d["label"])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 16}">{d["count"]}人</text>'
        )
    parts.append("</svg>")
    return Markup(
        f'<figure class="chart">{"".join(parts)}<figcaption>{md_escape(caption)}</figcaption></figure>'
    )


def points_chart(months: list[dict], caption: str) -> Markup:
    """Columns: the unit's points total for each posted month of the year."""
    width, height, left, bottom, top_pad = 560, 220, 48, 28, 16
    values = {m["month"]: Decimal(m["total"]) for m in months}
    high = max([v for v in values.values()] + [Decimal(0)])
    low = min([v for v in values.values()] + [Decimal(0)])
    span = (high - low) or Decimal(1)
    plot_h = height - bottom - top_pad
    col_w = (width - left) / 12

    def y_of(v: Decimal) -> float:
        return round(top_pad + float((high - v) / span) * plot_h, 1)

    zero = y_of(Decimal(0))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{md_escape(caption)}</title>',
        f'<line x1="{left}" y1="{zero}" x2="{width}" y2="{zero}" stroke="#999"/>',
    ]
    for month in range(1, 13):
        x = round(left + (month - 1) * col_w, 1)
        parts.append(
            f'<text x="{round(x + col_w / 2, 1)}" y="{height - 8}" text-anchor="middle">{month}月</text>'
        )
        if month not in values:
            continue
        v = values[month]
        y = y_of(v)
        bar_top, bar_h = (y, round(zero - y, 1)) if v >= 0 else (zero, round(y - zero, 1))
        parts.append(
            f'<rect x="{round(x + col_w * 0.15, 1)}" y="{bar_top}" width="{round(col_w * 0.7, 1)}" '
            f'height="{max(bar_h, 0.5)}" fill="{"#1565c0" if v >= 0 else "#c62828"}"/>'
            f'<text x="{round(x + col_w / 2, 1)}" y="{round(bar_top - 4, 1) if v >= 0 else round(bar_top + bar_h + 12, 1)}" '
            f'text-anchor="middle">{v}</text>'
        )
    parts.append("</svg>")
    return Markup(
        f'<figure class="chart">{"".join(parts)}<figcaption>{md_escape(caption)}</figcaption></figure>'
    )


# ---------------------------------------------------------------- rendering the docs folder


def _json(data) -> bytes:
    """Compact JSON: Python's fast encoder runs only without indentation (a province's
    downloads took seconds indented)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a quote mark."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA):
        return "'" + text
    return text


def _csv(rows: list[dict]) -> bytes:
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def _download(posting: dict, source: dict) -> dict:
    head = {k: v for k, v in posting.items() if k not in ("body", "commits")}
    return {"posting": head, "data": posting["body"], "records": source}


def render_docs(view: dict) -> dict[str, bytes]:
    """Every file of the mkdocs docs folder, by path: pages, downloads and the stylesheet."""
    env = environment()
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **context) -> None:
        text = env.get_template(template).render(page_path=path, view=view, **context)
        files[path] = text.encode("utf-8")

    postings = view["postings"]
    page("index.md", "home.md.j2", open_postings=[p for p in postings if p["open"]])
    page("archive/index.md", "archive_index.md.j2")
    for year in view["years"]:
        page(
            f"archive/{year}.md",
            "archive_year.md.j2",
            year=year,
            postings=[p for p in postings if p["year"] == year],
        )
    page("units/index.md", "units_index.md.j2")
    for unit in view["units"]:
        page(
            f"units/{unit['id']}.md",
            "unit.md.j2",
            unit=unit,
            years=[u for u in view["unit_years"] if u["unit"] == unit["id"]],
            postings=[p for p in postings if p["unit"] == unit["id"]],
        )
    for p in postings:
        page(f"postings/{p['id']}.md", "posting.md.j2", p=p)
        files[f"data/{p['id']}.json"] = _json(_download(p, view["source"]))
        files[f"data/{p['id']}.csv"] = _csv(posting_rows(p))
    page("data/index.md", "data.md.j2")
    files["data/postings.json"] = _json(
        {
            "as_of": view["as_of"],
            "records": view["source"],
            "postings": [_download(p, view["source"])["posting"] for p in postings],
        }
    )
    files["data/public.json"] = _json(view)
    files["stylesheets/site.css"] = (TEMPLATES / "stylesheets" / "site.css").read_bytes()
    return files


def navigation(view: dict) -> list:
    """Short navigation: home, years, units, data. Postings are reached from these pages."""
    return [
        {"首页": "index.md"},
        {"公示归档": ["archive/index.md"] + [f"archive/{y}.md" for y in view["years"]]},
        {"单位": ["units/index.md"] + [f"units/{u['id']}.md" for u in view["units"]]},
        {"数据下载": "data/index.md"},
    ]


def search_words(view: dict) -> str:
    """A jieba user dictionary of the posted names, so that each name stays one search term."""
    names: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("name"), str):
                names.add(value["name"])
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for p in view["postings"]:
        collect(p["body"])
    return "".join(f"{n} 100 nr\n" for n in sorted(names) if n and " " not in n)


def mkdocs_config(docs_dir: Path, nav: list, userdict: Path) -> dict:
    """The base mkdocs.yml with the generated parts: docs folder, navigation, theme overrides."""
    config = yaml.safe_load(BASE_CONFIG.read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs_dir)
    config["nav"] = nav
    config["theme"]["custom_dir"] = str(TEMPLATES / "overrides")
    plugins = []
    for plugin in config.get("plugins", []):
        if plugin == "search" or (isinstance(plugin, dict) and "search" in plugin):
            options = dict(plugin["search"] or {}) if isinstance(plugin, dict) else {}
            plugin = {"search": options | {"jieba_dict_user": str(userdict)}}
        plugins.append(plugin)
    config["plugins"] = plugins
    return config


# ---------------------------------------------------------------- provenance and dates


def git_history(records_dir: Path) -> dict[str, list[tuple[str, str]]] | None:
    """`records/<path>` -> [(commit, date), ...] newest first, or None outside git."""
    if git(["rev-parse", "--is-inside-work-tree"], records_dir) != "true":
        return None
    out = git(
        [
            "log",
            "--format=%x00%H %cI",
            "--name-only",
            "--no-renames",
            "--relative",
            "-z",
            "--",
            ".",
        ],
        records_dir,
    )
    history: dict[str, list[tuple[str, str]]] = {}
    commit = date = ""
    for token in (out or "").split("\0"):
        token = token.strip("\n")
        if not token:
            continue
        if re.fullmatch(r"[0-9a-f]{40} \S+", token):
            commit, date = token.split(" ")
            continue
        history.setdefault(f"records/{token}", []).append((commit, date[:10]))
    return history


def source_date_epoch(records_dir: Path, records_digest: str) -> int:
    """Seconds for SOURCE_DATE_EPOCH: when the records last changed in git, else fixed by their digest.

    The last commit that touched the records (not HEAD) is used, so that a commit changing
    only code or documents leaves the site's bytes as they were.
    """
    last = git(["log", "-1", "--format=%ct", "--", "."], records_dir)
    if last and last.isdigit():
        return int(last)
    seed = int(hashlib.sha256(records_digest.encode()).hexdigest()[:8], 16)
    return 946_684_800 + seed % (30 * 365 * 86_400)  # a day in 2000-2030, the same every time


# ---------------------------------------------------------------- the build


class SiteError(Exception):
    """The site could not be built; the previous site is untouched."""


@dataclass
class Built:
    out: Path
    pages: int
    postings: int
    open_postings: int
    findings: list[Finding]
    reused: int = 0  # posting pages taken from an earlier build (see `pages`)


def run_mkdocs(config: dict, work: Path, site_dir: Path, epoch: int) -> None:
    config_path = work / "mkdocs.yml"
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": str(epoch),
        "PYTHONHASHSEED": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
        + ["--config-file", str(config_path), "--site-dir", str(site_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    if done.returncode != 0:
        lines = [
            line
            for line in (done.stderr + done.stdout).splitlines()
            if line.strip()
            and not line.startswith(
                ("Building prefix", "Loading model", "Prefix dict", "Dumping model")
            )
        ]
        raise SiteError("mkdocs 构建失败 (mkdocs build failed):\n" + "\n".join(lines[-15:]))


def run_mkdocs_reusing(
    config: dict,
    words: str,
    docs: dict[str, bytes],
    work: Path,
    site_dir: Path,
    epoch: int,
    store: PageStore,
) -> int:
    """Run mkdocs on the pages whose output is not stored, then put the stored ones back.

    Returns how many pages were reused. A site with a `site_url` has a sitemap listing
    every page with the build date, so it is always built whole.
    """
    frame = frame_key(config, words)
    keys = {
        rel: page_key(frame, rel, data)
        for rel, data in docs.items()
        if rel.startswith(REUSABLE) and rel.endswith(".md")
    }
    reused = {}
    if not config.get("site_url"):
        reused = {rel: hit for rel, k in keys.items() if (hit := store.get(k)) is not None}
    if reused:
        config = {**config, "exclude_docs": exclude_docs(list(reused))}
    run_mkdocs(config, work, site_dir, epoch)
    index = read_search(site_dir)
    built = entries_by_page(index)
    for rel, k in keys.items():
        if rel not in reused:
            store.put(k, (site_dir / html_path(rel)).read_bytes(), built.get(html_path(rel), []))
    for rel, hit in reused.items():
        target = site_dir / html_path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(hit["html"])
        index["docs"] += hit["search"]
    write_search(site_dir, index)
    store.prune()
    return len(reused)


def swap_into_place(new: Path, out: Path) -> None:
    """Rename the old site away, the new one in, then delete the old one."""
    old = None
    if out.exists() or out.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_out_dir(out: Path, records_dir: Path) -> None:
    """Refuse to replace a folder that is not a site this command built, or that holds the records."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SiteError(f"{out} 不是文件夹 (--out must be a folder)")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(
            f"{out} 已存在且不是 cadre build 生成的网站，拒绝覆盖 "
            "(--out exists and is not a site built by cadre build; choose another folder)"
        )
    resolved = out.resolve()
    if resolved == records_dir.resolve() or resolved in records_dir.resolve().parents:
        raise SiteError(f"{out} 包含记录目录，拒绝覆盖 (--out must not contain the records)")


def build_site(records_dir: Path, out: Path, as_of: dt.date | None = None) -> Built:
    """Validate, compute, project, render, run mkdocs, then swap the new site into place.

    Raises ValidationFailed (records with errors) or SiteError; in both cases `out` is
    left as it was.
    """
    out = Path(
        os.path.abspath(out)
    )  # mkdocs runs in another folder: relative paths would land there
    check_out_dir(out, records_dir)
    cache = default_cache(records_dir)
    results, findings, records = check_and_compute(records_dir, as_of, need_records=True)
    if results is None or records is None or has_errors(findings):
        raise ValidationFailed(findings)
    source = results["source"]
    view = project(records, results, git_history(records_dir))
    docs = render_docs(view)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="cadre-docs-") as tmp:
            work = Path(tmp)
            docs_dir = work / "docs"
            for rel, data in docs.items():
                path = docs_dir / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            userdict = work / "names.txt"
            words = search_words(view)
            userdict.write_text(words, encoding="utf-8")
            config = mkdocs_config(docs_dir, navigation(view), userdict)
            reused = run_mkdocs_reusing(
                config,
                words,
                docs,
                work,
                new,
                source_date_epoch(records_dir, source["digest"]),
                PageStore(cache.path.parent / "pages" if cache else None),
            )
        (new / MARKER).write_text("built by cadre build\n", encoding="utf-8")
        swap_into_place(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    pages = sum(1 for rel in docs if rel.endswith(".md"))
    return Built(
        out,
        pages,
        len(view["postings"]),
        sum(p["open"] for p in view["postings"]),
        findings,
        reused,
    )
