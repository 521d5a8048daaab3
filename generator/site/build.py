"""The site build: Markdown -> mkdocs-material -> a new site swapped into place.

The build's edges: git (provenance), a mkdocs subprocess (its own environment, with
SOURCE_DATE_EPOCH so that the same records give the same bytes), and the swap of the new
site into place, which happens only after everything succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import gitstore
from ..errors import CadreError
from ..findings import Finding
from ..memory import give_back
from ..pipeline import Source
from .feed import FEED
from .html_blocks import lift
from .pages import (
    PageStore,
    frame_key,
    html_path,
    page_key,
    read_search,
    write_search,
)
from .render import TEMPLATES, navigation, render_docs, repo_url, search_words
from .sitemap import page_dates, sitemap, sitemap_gz
from .view_cache import ViewOf, public_view

ROOT = Path(__file__).resolve().parent.parent.parent
BASE_CONFIG = ROOT / "mkdocs.yml"
REUSE_HOOK = Path(__file__).resolve().parent / "mkdocs_reuse.py"


@dataclass(frozen=True)
class Audience:
    """Who a build is for: what it shows, and the marker that tells its folder apart.

    The public site and the department's internal view come out of the same pipeline; each
    writes its marker into the folder it builds, and neither is ever written where the
    other lives (`check_out_dir`).
    """

    name: str
    marker: str  # written into every folder of this audience; only such a folder is replaced
    default_out: str
    # source, as-of, history -> the view and the records' findings: the public one follows
    # the change from the last build's (`view_cache`), the internal one is computed whole
    view: ViewOf
    # view, memo -> the docs folder's files; the memo keeps rendered files between builds
    # (`render.render_docs`), None when nothing is kept
    render: Callable[[dict, PageStore | None], Iterable[tuple[str, bytes]]]
    navigation: Callable[[dict], list]
    words: Callable[[dict], str]  # the search's dictionary of names (see `render.search_words`)
    detail_pages: tuple[str, ...]  # the folders of pages outside the navigation
    site_name: str | None = None  # replaces mkdocs.yml's, when set
    extra_css: tuple[str, ...] = ()  # stylesheets beside mkdocs.yml's
    extra_javascript: tuple[str, ...] = ()  # scripts of the docs folder, on every page
    feed: str | None = None  # the Atom feed every page's head links to
    # the folder of the records' cache that keeps this audience's built pages between builds
    # (see `pages`); one per audience, since a build prunes what it did not use
    page_store: str | None = None
    # view, pages -> each page's date for the sitemap; None lists no page (see `write_sitemap`)
    page_dates: Callable[[dict, list[str]], dict[str, str]] | None = None


PUBLIC = Audience(
    name="public",
    marker=".cadre-site",
    default_out="site",
    view=public_view,
    render=render_docs,
    navigation=navigation,
    words=search_words,
    detail_pages=("postings/", "units/"),
    extra_javascript=("javascripts/site.js",),
    feed=FEED,
    page_store="pages",
    page_dates=page_dates,
)
MARKER = PUBLIC.marker
MARKERS = {PUBLIC.marker: PUBLIC.name, ".cadre-internal": "internal"}


def base_config(records_dir: Path | None = None) -> dict:
    """The repository's own mkdocs.yml beside its records (a county's title), else the tool's.

    A county's hooks are named relative to its mkdocs.yml, as mkdocs reads them; they are
    made absolute here, since mkdocs runs on a copy of the settings in another folder.
    """
    own = records_dir.resolve().parent / "mkdocs.yml" if records_dir else None
    path = own if own and own.is_file() else BASE_CONFIG
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        hint = "；cadre build 只读普通 YAML，不接受 !!python 标签" if "python" in problem else ""
        raise SiteError(
            f"{where}: 无法读取网站配置 (mkdocs.yml cannot be read: {problem}){hint}"
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise SiteError(f"{path}: 无法读取网站配置 (mkdocs.yml cannot be read: {e})") from None
    if not isinstance(config, dict) or not isinstance(config.get("theme"), dict):
        raise SiteError(
            f"{path}: 网站配置须为映射，并含 theme 一节 (mkdocs.yml needs a theme section)"
        )
    hooks = config.get("hooks") or []
    if not isinstance(hooks, list) or not all(isinstance(h, str) for h in hooks):
        raise SiteError(f"{path}: hooks 须为文件路径列表 (hooks must be a list of file paths)")
    config["hooks"] = [str((path.parent / hook).resolve()) for hook in hooks]
    return config


def site_facts(config: dict) -> dict:
    """What the pages say about the site itself: its name, address and records repository.

    `repo_url` names the records repository when it is public: pages then link each
    revision of the records they state. It is read here and kept from mkdocs, whose theme
    would otherwise ask the repository's host for its star count on every page view.
    """
    return {
        "name": config.get("site_name"),
        "site_url": config.get("site_url"),
        "repo_url": repo_url(config.get("repo_url")),
    }


def mkdocs_config(
    docs_dir: Path,
    nav: list,
    userdict: Path,
    audience: Audience = PUBLIC,
    base: dict | None = None,
) -> dict:
    """The base mkdocs.yml with the generated parts: docs folder, navigation, theme overrides."""
    config = dict(base if base is not None else base_config())
    for key in ("repo_url", "repo_name", "edit_uri"):  # see `site_facts`
        config.pop(key, None)
    config["docs_dir"] = str(docs_dir)
    config["nav"] = nav
    config["not_in_nav"] = "".join(f"/{folder}\n" for folder in audience.detail_pages)
    if audience.site_name:
        config["site_name"] = audience.site_name
    config["extra_css"] = [*config.get("extra_css", []), *audience.extra_css]
    config["extra_javascript"] = [*config.get("extra_javascript", []), *audience.extra_javascript]
    if audience.feed:
        config["extra"] = {**config.get("extra", {}), "feed": audience.feed}
    config["theme"]["custom_dir"] = str(TEMPLATES / "overrides")
    plugins = []
    for plugin in config.get("plugins", []):
        if plugin == "search" or (isinstance(plugin, dict) and "search" in plugin):
            options = dict(plugin["search"] or {}) if isinstance(plugin, dict) else {}
            plugin = {"search": options | {"jieba_dict_user": str(userdict)}}
        plugins.append(plugin)
    config["plugins"] = plugins
    return config


def source_date_epoch(history: gitstore.RecordsHistory | None, records_digest: str) -> int:
    """Seconds for SOURCE_DATE_EPOCH: when the records last changed in git, else fixed by their digest.

    The last commit that touched the records (not HEAD) is used, so that a commit changing
    only code or documents leaves the site's bytes as they were.
    """
    if history is not None and history.last_change is not None:
        return history.last_change
    seed = int(hashlib.sha256(records_digest.encode()).hexdigest()[:8], 16)
    return 946_684_800 + seed % (30 * 365 * 86_400)  # a day in 2000-2030, the same every time


# ---------------------------------------------------------------- the build


class SiteError(CadreError):
    """The site could not be built; the previous site is untouched."""

    exit_code = 1


@dataclass
class Built:
    out: Path
    pages: int
    postings: int
    open_postings: int
    findings: list[Finding]
    reused: int = 0  # pages taken from an earlier build (see `pages`)
    as_of: str | None = None  # the day the build's status is computed for


def run_mkdocs(
    config: dict, work: Path, site_dir: Path, epoch: int, reused: list[str] | None = None
) -> None:
    """mkdocs on the docs folder, leaving out the `reused` pages (see `mkdocs_reuse`)."""
    config_path = work / "mkdocs.yml"
    listed = work / "reused.txt"
    listed.write_text("".join(f"{rel}\n" for rel in sorted(reused or [])), encoding="utf-8")
    config = {**config, "hooks": [*config.get("hooks", []), str(REUSE_HOOK)]}
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": str(epoch),
        "PYTHONHASHSEED": "0",
        "CADRE_REUSED_PAGES": str(listed),
        "CADRE_HTML_BLOCKS": str(blocks_dir(Path(config["docs_dir"]))),
        "CADRE_SEARCH_ENTRIES": str(drained_search(work)),
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


def write_docs(
    docs_dir: Path,
    docs: Iterable[tuple[str, bytes | Iterable[bytes]]],
    frame: str,
    store: PageStore,
) -> tuple[dict[str, str], set[str]]:
    """Write each file of the docs folder as it is rendered; return each page's key (see
    `pages`), by its path, and the pages whose output `store` holds. Only the keys are
    kept: a province's pages are gigabytes.

    A stored page is written empty: mkdocs leaves it out (`mkdocs_reuse`) and needs only
    its name, for the links to it. Every other page's tables and charts go beside it, into
    `blocks_dir(docs_dir)`, for the hook to put back after Markdown (see `html_blocks`);
    the key is the whole page's."""
    keys, stored = {}, set()
    for rel, data in docs:
        path = docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".md"):
            keys[rel] = page_key(frame, rel, data)
            if store.get(keys[rel]) is not None:
                stored.add(rel)
                data = b""
            else:
                text, blocks = lift(data.decode("utf-8"))
                if blocks:
                    data = text.encode("utf-8")
                    aside = blocks_dir(docs_dir) / f"{rel}.json"
                    aside.parent.mkdir(parents=True, exist_ok=True)
                    aside.write_text(json.dumps(blocks, ensure_ascii=False), encoding="utf-8")
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:  # a large file, in pieces (`render.view_json`)
            with open(path, "wb") as fh:
                fh.writelines(data)
    return keys, stored


def drained_search(work: Path) -> Path:
    """Where mkdocs's hook puts each page's search entries as the page is written."""
    return work / "search-entries.txt"


def blocks_dir(docs_dir: Path) -> Path:
    """Where a page's tables and charts wait for mkdocs's hook: beside the docs, never in."""
    return docs_dir.parent / "html-blocks"


def run_mkdocs_reusing(
    config: dict,
    keys: dict[str, str],
    reused: set[str],
    work: Path,
    site_dir: Path,
    epoch: int,
    store: PageStore,
) -> None:
    """Run mkdocs on the pages whose output is not stored, then put the stored ones back,
    writing the search index page by page as they come (a province's is 170 MB)."""
    run_mkdocs(config, work, site_dir, epoch, list(reused))
    settings, built = read_search(site_dir, drained_search(work))
    by_page = {html_path(rel): rel for rel in keys}

    def entries():
        for page in sorted(by_page.keys() | built.keys()):
            rel = by_page.get(page)
            if rel is None:  # a page mkdocs made of its own accord
                yield built[page]
            elif rel not in reused:
                html = (site_dir / page).read_bytes()
                store.put(keys[rel], {"html": html, "search": built.get(page, b"")})
                yield built.get(page, b"")
            else:
                # Read again rather than held since `write_docs`: a province's pages are gigabytes.
                hit = store.get(keys[rel])
                if hit is None:
                    raise SiteError(
                        f"{store.folder} 在构建中被改动，请重新构建 (the page store changed)"
                    )
                (site_dir / page).parent.mkdir(parents=True, exist_ok=True)
                (site_dir / page).write_bytes(hit["html"])
                yield hit["search"]

    write_search(site_dir, settings, entries())
    store.prune()


def write_sitemap(site_dir: Path, site_url: str | None, dates: dict[str, str]) -> None:
    """Replace mkdocs's sitemap (the pages it rendered, dated today) with every page's,
    dated by the records (see `sitemap`); without dates, one that lists no page (the
    internal view tells no crawler about itself)."""
    xml = sitemap(site_url, dates)
    (site_dir / "sitemap.xml").write_bytes(xml)
    (site_dir / "sitemap.xml.gz").write_bytes(sitemap_gz(xml))


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


AUDIENCE_LABELS = {"public": "公示网站", "internal": "内部工作台"}


def _other_builds(out: Path, audience: Audience) -> list[str]:
    """The builds of another audience at, inside or around `out` (by their markers)."""
    others = [m for m in MARKERS if m != audience.marker]
    found = [MARKERS[m] for m in others for folder in (out, *out.parents) if (folder / m).exists()]
    if out.is_dir():
        found += [MARKERS[m] for m in others if next(out.rglob(m), None) is not None]
    return sorted(set(found))


def check_out_dir(out: Path, records_dir: Path, audience: Audience = PUBLIC) -> None:
    """Refuse to replace a folder that is not a build of this audience, or that holds the
    records; never write one audience's build where the other's lives, in or around it."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SiteError(f"{out} 不是文件夹 (--out must be a folder)")
    for other in _other_builds(out, audience):
        raise SiteError(
            f"{out} 是{AUDIENCE_LABELS[other]}的构建目录或在其中，拒绝写入{AUDIENCE_LABELS[audience.name]} "
            f"(--out holds or lies inside the {other} build; the two are never mixed)"
        )
    if out.exists() and any(out.iterdir()) and not (out / audience.marker).exists():
        raise SiteError(
            f"{out} 已存在且不是 cadre build 生成的{AUDIENCE_LABELS[audience.name]}，拒绝覆盖 "
            "(--out exists and is not a build of cadre build; choose another folder)"
        )
    resolved = out.resolve()
    if resolved == records_dir.resolve() or resolved in records_dir.resolve().parents:
        raise SiteError(f"{out} 包含记录目录，拒绝覆盖 (--out must not contain the records)")


def build_site(
    source: Source, out: Path, as_of: dt.date | None = None, audience: Audience = PUBLIC
) -> Built:
    """Validate, compute, project, render, run mkdocs, then swap the new site into place.

    Raises ValidationFailed (records with errors) or SiteError; in both cases `out` is
    left as it was. The public view follows the change from the last build's when it can
    (`view_cache`).
    """
    out = Path(
        os.path.abspath(out)
    )  # mkdocs runs in another folder: relative paths would land there
    check_out_dir(out, source.records_dir, audience)
    base = base_config(source.records_dir)  # a broken mkdocs.yml is told before the long part
    history = gitstore.records_history(source.records_dir)
    changes = history.files if history else None
    # The view is all that is rendered: at a province's scale the records and the results
    # are gigabytes that the pages need not sit beside (the view is made without keeping them).
    view, findings = audience.view(source, as_of, changes)
    epoch = source_date_epoch(history, view["source"]["digest"])
    del history, changes  # every file's commits: a province's are 100 MB
    counts = len(view["postings"]), sum(p["open"] for p in view["postings"])
    day = view["as_of"]
    source.forget()
    if "site" in view:
        view["site"] = site_facts(base)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="cadre-docs-") as tmp:
            work = Path(tmp)
            docs_dir = work / "docs"
            userdict = work / "names.txt"
            words = audience.words(view)
            userdict.write_text(words, encoding="utf-8")
            config = mkdocs_config(docs_dir, audience.navigation(view), userdict, audience, base)
            keep = source.cache_dir and audience.page_store
            store = PageStore(source.cache_dir / audience.page_store if keep else None)
            memo = (
                PageStore(store.folder.with_name(f"{store.folder.name}-docs"), ("files",))
                if keep
                else None
            )
            frame = frame_key(config, words)
            keys, reused = write_docs(docs_dir, audience.render(view, memo), frame, store)
            dates = audience.page_dates(view, list(keys)) if audience.page_dates else {}
            del view  # rendered: mkdocs and the search index need the memory more
            give_back()
            run_mkdocs_reusing(config, keys, reused, work, new, epoch, store)
            if memo is not None:
                memo.prune()
            write_sitemap(new, config.get("site_url"), dates)
        (new / audience.marker).write_text(
            f"built by cadre build ({audience.name})\n", encoding="utf-8"
        )
        swap_into_place(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return Built(out, len(keys), *counts, findings, len(reused), day)
