"""The build's mkdocs hook: pages left out, and tables and charts put back.

- `on_files` leaves out the pages `cadre build` puts back from its store (see `pages`).
  mkdocs's own `exclude_docs` takes gitignore patterns and tries every pattern on every
  file: at a province's thousands of reused pages that is quadratic, minutes of matching.
  This leaves out exactly the files listed, one set lookup each. The list is a file named
  by the environment variable CADRE_REUSED_PAGES, one docs path per line.
- `on_page_content` puts each table and chart back in its place after Markdown (see
  `html_blocks`), from `<page>.json` in the folder CADRE_HTML_BLOCKS names.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mkdocs.structure.files import InclusionLevel

from generator.site.html_blocks import put_back


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
