"""Render stage: the public view -> the Markdown pages, downloads and stylesheet of the site.

Only the public view (see `project`) reaches the templates. Every value a template prints
goes through `escape.md_escape`, installed as the environment's `finalize`, so a template
cannot forget it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import marshal
import re
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

import jinja2
from markupsafe import Markup

from ..cache import code_version
from .charts import grade_bars, grade_chart, points_chart, updown_chart
from .escape import cn_date, md_escape
from .feed import atom_feed
from .project import posting_rows
from .stats import statistics

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "site_templates"

# Files of site_templates/ copied as they are into every public build.
ASSETS = ("stylesheets/site.css", "javascripts/site.js")

_LINK = re.compile(r"[a-z0-9][a-z0-9/._-]*\Z")


@jinja2.pass_context
def link(context, target: str) -> Markup:
    """A relative link from the page being rendered to another file of the docs folder."""
    if not _LINK.match(target) or ".." in target:
        raise ValueError(f"unexpected link target {target!r}")
    here = PurePosixPath(context["page_path"]).parent
    depth = len(here.parts)
    return Markup("../" * depth + target)


@jinja2.pass_context
def href(context, target: str) -> Markup:
    """`link` for raw HTML: the page a Markdown file becomes (`.md` -> `.html`).

    mkdocs rewrites links only in Markdown; tables and cards written as HTML link to the
    built page directly (the site uses `use_directory_urls: false`).
    """
    url = link(context, target)
    return Markup(url[: -len(".md")] + ".html") if url.endswith(".md") else url


@jinja2.pass_context
def status(context, posting: dict) -> Markup:
    """The posting's state on the as-of date, as a badge.

    An open posting's badge carries the last day of its period and the as-of date, so that
    the page's script (javascripts/site.js) can tell on a later day that it has ended; a
    closed posting's badge carries neither, so its page stays the same from day to day.
    """
    if posting["open"]:
        return Markup(
            '<span class="posting-status posting-status--open" data-end="{}" data-as-of="{}">'
            "公示中</span>"
        ).format(posting["end"], context["view"]["as_of"])
    return Markup('<span class="posting-status">公示期已结束</span>')


_REPO_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*\Z")
_COMMIT = re.compile(r"[0-9a-f]{7,64}\Z")


def repo_url(value) -> str | None:
    """The records repository's address from mkdocs.yml, when it is a plain https address."""
    if not value:
        return None
    url = str(value).rstrip("/")
    if not _REPO_URL.match(url):
        raise ValueError(f"repo_url must be a plain https address, not {value!r}")
    return url


@jinja2.pass_context
def revision(context, commit: str) -> Markup:
    """The address of one commit of the records repository (`repo_url` + /commit/ + id)."""
    if not _COMMIT.match(commit):
        raise ValueError(f"unexpected commit id {commit!r}")
    return Markup(f"{context['view']['site']['repo_url']}/commit/{commit}")


def period(posting: dict) -> Markup:
    """A posting's period for a table cell: each date kept on one line."""
    return Markup('<span class="date">{}</span>至<span class="date">{}</span>').format(
        cn_date(posting["start"]), cn_date(posting["end"])
    )


def tel(phone: str) -> Markup:
    """A phone number as a link that a phone dials: digits only in the address."""
    digits = "".join(c for c in str(phone) if c.isdigit() or c == "+")
    return Markup('<a href="tel:{}">{}</a>').format(digits, md_escape(phone))


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
    env.globals["href"] = href
    env.globals["status"] = status
    env.globals["tel"] = tel
    env.globals["period"] = period
    env.globals["revision"] = revision
    env.globals["grade_chart"] = grade_chart
    env.globals["points_chart"] = points_chart
    env.globals["grade_bars"] = grade_bars
    env.globals["updown_chart"] = updown_chart
    return env


# ---------------------------------------------------------------- rendering the docs folder


def _compact(data) -> bytes:
    """Compact JSON: Python's fast encoder runs only without indentation (a province's
    downloads took seconds indented)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json(data) -> bytes:
    return _compact(data) + b"\n"


def view_json(view: dict, postings: IO[bytes]) -> Iterator[bytes]:
    """`_json(view)` in pieces, with the postings' JSON read from a file (each `_compact`,
    comma-separated, kept with its page from an earlier build): a province's view is a
    hundred and fifty megabytes of JSON, nearly all postings, and is never held whole."""
    yield b"{"
    for n, (k, v) in enumerate(view.items()):
        yield (b"," if n else b"") + _compact(k) + b":"
        if k == "postings":
            postings.seek(0)
            yield b"["
            yield from iter(lambda: postings.read(1 << 20), b"")
            yield b"]"
        else:
            yield _compact(v)
    yield b"}\n"


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


def _download(posting: dict) -> dict:
    """A posting's download: its head, its data and the revision of its records (the last
    commit that changed one of them, as its page says; None outside git). Not the whole
    records' version: a closed posting's download stays the same while other records change."""
    head = {k: v for k, v in posting.items() if k not in ("body", "commits")}
    latest = posting["commits"][0] if posting.get("commits") else None
    return {"posting": head, "data": posting["body"], "records": latest}


@cache
def templates_version() -> str:
    """The templates and the code that render them: a page kept from an earlier build
    (`render_docs`'s memo) is reused only by the very same ones."""
    h = hashlib.blake2b(code_version().encode(), digest_size=20)
    for f in sorted(TEMPLATES.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(TEMPLATES).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def memo_key(*parts) -> str:
    """The key of rendered files made from these values alone (marshal's version 2 writes
    no references, so equal values give equal bytes)."""
    h = hashlib.blake2b(templates_version().encode(), digest_size=20)
    h.update(marshal.dumps(parts, 2))
    return h.hexdigest()


class Memo(Protocol):
    """Rendered files by key, kept between builds (`pages.PageStore`)."""

    def get(self, key: str) -> dict | None: ...
    def put(self, key: str, value: dict) -> None: ...


def render_docs(view: dict, memo: Memo | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the mkdocs docs folder, path and bytes, one at a time (a province's
    site is gigabytes: `build` writes each as it comes): pages, downloads, the stylesheet.

    A posting's page and downloads, and a unit's page, depend only on their own part of
    the view (and the day, while a posting is open; the site's facts): with a `memo`, those
    rendered by an earlier build from the same part are taken from it, not rendered again.
    """
    env = environment()

    def page(path: str, template: str, **context) -> tuple[str, bytes]:
        text = env.get_template(template).render(page_path=path, view=view, **context)
        return path, text.encode("utf-8")

    def unit_page(unit: dict, years: list, mine: list) -> dict:
        return {
            "files": [
                page(f"units/{unit['id']}.md", "unit.md.j2", unit=unit, years=years, postings=mine)
            ]
        }

    def posting_files(p: dict) -> dict:
        """Its page and downloads, and its JSON within data/public.json."""
        return {
            "files": [
                page(f"postings/{p['id']}.md", "posting.md.j2", p=p),
                (f"data/{p['id']}.json", _json(_download(p))),
                (f"data/{p['id']}.csv", _csv(posting_rows(p))),
            ],
            "json": _compact(p),
        }

    def remembered(make, shown: list[dict], *args) -> dict:
        """make(*args), or what it gave an earlier build for the same values. Besides its
        arguments a page reads only the site's facts, and the day while one of the postings
        it shows is open (the status badge)."""
        if memo is None:
            return make(*args)
        day = view["as_of"] if any(p["open"] for p in shown) else None
        key = memo_key(make.__name__, args, day, view["site"])
        kept = memo.get(key)
        if kept is None:
            kept = make(*args)
            memo.put(key, kept)
        return kept

    postings = view["postings"]
    yield page("index.md", "home.md.j2", open_postings=[p for p in postings if p["open"]])
    yield page("archive/index.md", "archive_index.md.j2")
    for year in view["years"]:
        yield page(
            f"archive/{year}.md",
            "archive_year.md.j2",
            year=year,
            postings=[p for p in postings if p["year"] == year],
        )
    yield page("units/index.md", "units_index.md.j2")
    by_unit: dict[str, list] = {}
    for p in postings:  # a unit's page lists its postings: their heads are all it reads
        head = {k: v for k, v in p.items() if k not in ("body", "basis", "commits")}
        by_unit.setdefault(p["unit"], []).append(head)
    years_of: dict[str, list] = {}
    for u in view["unit_years"]:
        years_of.setdefault(u["unit"], []).append(u)
    for unit in view["units"]:
        mine = by_unit.get(unit["id"], [])
        yield from remembered(unit_page, mine, unit, years_of.get(unit["id"], []), mine)["files"]
    with tempfile.TemporaryFile() as pieces:  # each posting's JSON, for data/public.json
        for p in postings:
            made = remembered(posting_files, [p], p)
            pieces.write((b"," if pieces.tell() else b"") + made["json"])
            yield from made["files"]
        yield page("stats.md", "stats.md.j2", stats=statistics(view))
        yield "feed.xml", atom_feed(view)
        yield page("data/index.md", "data.md.j2")
        heads = [_download(p)["posting"] for p in postings]
        index = {"as_of": view["as_of"], "records": view["source"], "postings": heads}
        yield "data/postings.json", _json(index)
        yield "data/public.json", view_json(view, pieces)
    for asset in ASSETS:
        yield asset, (TEMPLATES / asset).read_bytes()


def navigation(view: dict) -> list:
    """Short navigation: home, years, units, statistics, data, each with its title written out.

    Postings and each unit's page are reached from these pages, not listed beside every
    page: a province has thousands of units. The titles are given here rather than read
    from the pages, so that a page's HTML depends only on its own Markdown and this list,
    and an unchanged page can be reused from an earlier build (see `pages`).
    """
    return [
        {"首页": "index.md"},
        {
            "公示归档": [{"公示归档": "archive/index.md"}]
            + [{f"{y}年公示": f"archive/{y}.md"} for y in view["years"]]
        },
        {"单位": "units/index.md"},
        {"统计": "stats.md"},
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
