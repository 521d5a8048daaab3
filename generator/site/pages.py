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
import re
from collections.abc import Iterable
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


def page_of(location: str) -> str:
    return location.split("#", 1)[0]


def ascii_json(value) -> bytes:
    """Compact JSON with every non-ASCII character escaped, as mkdocs writes its index."""
    return json.dumps(value, separators=(",", ":"), default=str).encode("utf-8")


_SPACE = re.compile(r"\s*")


def read_drained(path: Path) -> dict[str, bytes]:
    """Each page's search entries as the build's hook wrote them (`mkdocs_reuse`): a line
    per page, its path in JSON, a tab, then its entries as JSON objects joined by commas."""
    pages: dict[str, list[bytes]] = {}
    with open(path, "rb") as fh:
        for line in fh:
            page, _, entries = line.rstrip(b"\n").partition(b"\t")
            pages.setdefault(json.loads(page), []).append(entries)
    return {page: b",".join(entries) for page, entries in pages.items()}


def read_search(site_dir: Path, drained: Path | None = None) -> tuple[dict, dict[str, bytes]]:
    """mkdocs's search index: its settings (every key but `docs`), and each page's entries
    as JSON (objects joined by commas, as mkdocs wrote them), with those the hook
    `drained` from it as pages were written (`read_drained`).

    The entries are decoded one at a time and kept as text: a province's index is 170 MB
    of JSON, and as Python objects four times that."""
    text = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    decode = json.JSONDecoder().raw_decode

    def after(i: int, sep: str = "") -> int:  # past blanks, and `sep` if it is next
        i = _SPACE.match(text, i).end()
        return _SPACE.match(text, i + 1).end() if sep and text[i] == sep else i

    settings: dict = {}
    pages: dict[str, list[bytes]] = {}
    i = after(text.index("{") + 1)
    while text[i] != "}":
        key, i = decode(text, i)
        i = after(i, ":")
        if key == "docs":
            i = after(i, "[")
            while text[i] != "]":
                entry, i = decode(text, i)
                pages.setdefault(page_of(entry["location"]), []).append(ascii_json(entry))
                i = after(i, ",")
            i += 1
        else:
            settings[key], i = decode(text, i)
        i = after(i, ",")
    found = {page: b",".join(entries) for page, entries in pages.items()}
    if drained is not None and drained.exists():
        for page, entries in read_drained(drained).items():
            found[page] = found[page] + b"," + entries if page in found else entries
    return settings, found


def write_search(site_dir: Path, settings: dict, pages: Iterable[bytes]) -> None:
    """The search index in canonical order: the settings, then every page's entries (each
    page's as mkdocs wrote them), given page by page in path order and written as they come."""
    with open(site_dir / "search" / "search_index.json", "wb") as fh:
        fh.write(b"{")
        for key, value in settings.items():
            fh.write(ascii_json(key) + b":" + ascii_json(value) + b",")
        fh.write(b'"docs":[')
        first = True
        for entries in pages:
            if entries:
                fh.write(entries if first else b"," + entries)
                first = False
        fh.write(b"]}")
