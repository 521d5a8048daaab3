"""Pages reused between site builds, so that a build renders only what changed.

Most postings belong to closed periods: once a posting has ended its page no longer
changes. mkdocs renders every page on every build (about 40 ms a page with Chinese
search), so `cadre build` keeps each page's HTML and search entries in the cache, keyed by
everything that page's output depends on: its Markdown, its path, and the *frame* (the
mkdocs configuration with the navigation, the search dictionary, the theme overrides,
stylesheets and scripts, the installed mkdocs and mkdocs-material, and this code's
version). A page whose key is known is handed to mkdocs as an excluded document (so links
to it still resolve and are still checked, and the navigation still lists it) and its
stored output is put back afterwards (`mkdocs_reuse`); every other page is built and then stored.

Every page can be reused because the navigation gives each of its pages' titles itself
(`render.navigation`): no page's HTML depends on another page's Markdown. The search index
is written in one canonical order (by page, then section) and the sitemap from the
records (`sitemap`), so a build that reuses pages gives the same bytes as a full build. A
change that adds or removes a name or a year changes the frame and rebuilds every page
once.

The same kind of store keeps what the step before mkdocs renders (`render.render_docs`): a
posting's Markdown and downloads, keyed by the part of the view they are made from, so an
unchanged posting is not even rendered again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from importlib.metadata import version as installed
from pathlib import Path

from ..cache import code_version
from ..outputs import write_atomic

ROOT = Path(__file__).resolve().parent.parent.parent


def frame_key(config: dict, userdict: str) -> str:
    """Everything besides its own Markdown that a page's HTML depends on."""
    h = hashlib.blake2b(digest_size=20)
    portable = {k: v for k, v in config.items() if k != "docs_dir"}
    portable["theme"] = {k: v for k, v in config["theme"].items() if k != "custom_dir"}
    portable["plugins"] = [
        {"search": {k: v for k, v in p["search"].items() if k != "jieba_dict_user"}}
        if isinstance(p, dict) and "search" in p
        else p
        for p in config.get("plugins", [])
    ]
    h.update(json.dumps(portable, sort_keys=True, ensure_ascii=False).encode())
    h.update(userdict.encode())
    for hook in config.get("hooks", []):  # a county's own hooks shape its pages, as templates do
        path = Path(hook)
        h.update(hook.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    templates = ROOT / "site_templates"
    for folder in ("overrides", "stylesheets", "javascripts"):
        for f in sorted((templates / folder).rglob("*")):
            if f.is_file():
                h.update(f.relative_to(templates).as_posix().encode() + b"\0" + f.read_bytes())
    h.update(f"{installed('mkdocs')}|{installed('mkdocs-material')}|{code_version()}".encode())
    return h.hexdigest()


def page_key(frame: str, rel: str, markdown: bytes) -> str:
    return hashlib.blake2b(
        frame.encode() + b"\0" + rel.encode() + b"\0" + markdown, digest_size=20
    ).hexdigest()


def html_path(rel: str) -> str:
    """The page a Markdown file becomes (the site uses `use_directory_urls: false`)."""
    return rel[: -len(".md")] + ".html"


class PageStore:
    """Values by key (built pages: their HTML and search entries), one small file each,
    under the repository's cache folder. A stored value lacking one of `fields` is none."""

    def __init__(self, folder: Path | None, fields: tuple[str, ...] = ("html", "search")):
        self.folder = folder
        self.fields = fields
        self.used: set[str] = set()

    def get(self, key: str) -> dict | None:
        if self.folder is None:
            return None
        try:
            stored = marshal.loads((self.folder / key).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (isinstance(stored, dict) and stored.keys() >= set(self.fields)):
            return None
        self.used.add(key)
        return stored

    def put(self, key: str, value: dict) -> None:
        if self.folder is None:
            return
        try:
            write_atomic(self.folder / key, marshal.dumps(value))
        except OSError:
            return  # a cache that cannot be written only makes the next build slower
        self.used.add(key)

    def prune(self) -> None:
        """Forget what this build did not use: its Markdown, frame or view has changed."""
        if self.folder is None or not self.folder.is_dir():
            return
        for f in self.folder.iterdir():
            if f.name not in self.used and not f.name.startswith("."):
                f.unlink(missing_ok=True)


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def read_search(site_dir: Path) -> dict:
    return json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def write_search(site_dir: Path, index: dict) -> None:
    """The search index in canonical order: by page, and within a page as mkdocs wrote it."""
    index["docs"] = sorted(index["docs"], key=lambda e: _page_of(e["location"]))
    data = json.dumps(index, separators=(",", ":"), default=str)
    (site_dir / "search" / "search_index.json").write_bytes(data.encode("utf-8"))


def entries_by_page(index: dict) -> dict[str, list]:
    out: dict[str, list] = {}
    for entry in index["docs"]:
        out.setdefault(_page_of(entry["location"]), []).append(entry)
    return out
