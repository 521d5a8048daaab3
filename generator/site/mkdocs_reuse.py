"""The build's mkdocs hook: pages left out, and tables and charts put back.

- `on_files` leaves out the pages `cadre build` puts back from its store (see `pages`).
  mkdocs's own `exclude_docs` takes gitignore patterns and tries every pattern on every
  file: at a province's thousands of reused pages that is quadratic, minutes of matching.
  This leaves out exactly the files listed, one set lookup each. The list is a file named
  by the environment variable CADRE_REUSED_PAGES, one docs path per line.
- `on_page_content` puts each table and chart back in its place after Markdown (see
  `html_blocks`), from `<page>.json` in the folder CADRE_HTML_BLOCKS names.
- `on_post_page` lets go of what mkdocs would keep of a written page until the build ends:
  its Markdown and HTML, and its search entries, which go to the file CADRE_SEARCH_ENTRIES
  names (`pages.read_drained` reads it back). The search plugin would otherwise hold a
  province's whole index, then write it as one string: gigabytes at its peak.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mkdocs.structure.files import InclusionLevel

from generator.site.html_blocks import put_back
from generator.site.pages import ascii_json, page_of


def on_files(files, config):
    listed = os.environ.get("CADRE_REUSED_PAGES")
    if not listed:
        return files
    with open(listed, encoding="utf-8") as f:
        reused = {line for line in f.read().split("\n") if line}
    for file in files:
        if file.src_uri in reused:
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def on_page_content(html, page, config, files):
    folder = os.environ.get("CADRE_HTML_BLOCKS")
    path = Path(folder, page.file.src_uri + ".json") if folder else None
    if path is None or not path.is_file():
        return html
    blocks = json.loads(path.read_text(encoding="utf-8"))
    return put_back(html, blocks)


def on_post_page(output, page, config):
    page.markdown = None
    page.content = None
    _drain_search(config)
    return output


def _drain_search(config) -> None:
    """Move the entries the search plugin holds (this page's) to the file named by
    CADRE_SEARCH_ENTRIES. Without that file, or without the plugin's index as this code
    knows it, the entries stay where they are and mkdocs writes them as it always does."""
    path = os.environ.get("CADRE_SEARCH_ENTRIES")
    search = config.plugins.get("material/search") if path else None
    entries = getattr(getattr(search, "search_index", None), "entries", None)
    if not isinstance(entries, list) or not entries:
        return
    by_page: dict[str, list[bytes]] = {}
    for entry in entries:
        by_page.setdefault(page_of(entry["location"]), []).append(ascii_json(entry))
    with open(path, "ab") as fh:
        for where, items in by_page.items():
            fh.write(ascii_json(where) + b"\t" + b",".join(items) + b"\n")
    entries.clear()
