"""Tables and charts go around Markdown, not through it.

The pages' tables and charts are HTML already (a table must become cards on a phone, a
chart is SVG). Python-Markdown would parse each such block again only to pass it through
unchanged: at a province's scale that is a third of mkdocs's time. So `cadre build` lifts
every such block out of a page's Markdown before mkdocs reads it, leaving an HTML comment
in its place, and the build's mkdocs hook (`mkdocs_reuse.on_page_content`) puts it back
after Markdown. The site is the same bytes either way (a test builds it both ways).

A record cannot forge a place: every value on a page is escaped (`escape.md_escape`), so
no `<` of a record ever reaches the Markdown.
"""

from __future__ import annotations

import re

# A whole table or chart, as the templates write them: from a line that opens it to the
# line that closes it, with no other table or chart inside. The body is taken a run of
# text without "<" at a time (possessively), not character by character: a province's
# pages hold a hundred megabytes of table rows.
BLOCK = re.compile(
    r"^(?:<table\b(?:[^<]++|<(?!/?table\b))*?^</table>$"
    r'|<figure class="chart">(?:[^<]++|<(?!/?figure\b))*?</figure>$)',
    re.M,
)
PLACE = "<!--cadre-html:{}-->"
PLACED = re.compile(r"<!--cadre-html:(\d+)-->")  # PLACE, filled


def lift(markdown: str) -> tuple[str, list[str]]:
    """The page with each block replaced by its place, and the blocks in order."""
    blocks: list[str] = []

    def place(match: re.Match) -> str:
        blocks.append(match.group(0))
        return PLACE.format(len(blocks) - 1)

    return BLOCK.sub(place, markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    """The page's HTML with each place filled by its block (mkdocs's hook, after Markdown)."""
    return PLACED.sub(lambda m: blocks[int(m.group(1))], html)
