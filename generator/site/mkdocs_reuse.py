"""An mkdocs hook: leave out the pages `cadre build` puts back from its store (see `pages`).

mkdocs's own `exclude_docs` takes gitignore patterns and tries every pattern on every file:
at a province's thousands of reused pages that is quadratic, minutes of matching. This
hook leaves out exactly the files listed, one set lookup each. The list is a file named by
the environment variable CADRE_REUSED_PAGES, one docs path per line.
"""

from __future__ import annotations

import os

from mkdocs.structure.files import InclusionLevel


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
