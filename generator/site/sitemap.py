"""The sitemap: every page of the public site, dated by the records it shows.

mkdocs dates every page of its sitemap with the build's date and lists only the pages it
rendered itself, so a build that reuses pages (see `pages`) would leave the reused ones
out. The sitemap is written here instead, after mkdocs, from the view: a posting's page
is as new as the last commit that changed one of its records (or its start, outside git),
a unit's page as its newest posting, every other page as the newest posting of all. The
same records give the same sitemap, however many pages were reused. Without a `site_url`
the sitemap is an empty list, as mkdocs writes it: a sitemap's addresses must be absolute.
"""

from __future__ import annotations

import gzip
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from .pages import html_path


def _posting_date(posting: dict) -> str:
    dates = [posting["start"]] + [c["date"] for c in posting.get("commits") or []]
    return max(dates)


def page_dates(view: dict, pages: list[str]) -> dict[str, str]:
    """The date of every page (`.md` path) of the public docs folder."""
    postings = {f"postings/{p['id']}.md": _posting_date(p) for p in view["postings"]}
    units: dict[str, str] = {}
    for p in view["postings"]:
        rel = f"units/{p['unit']}.md"
        units[rel] = max(units.get(rel, ""), postings[f"postings/{p['id']}.md"])
    newest = max(postings.values(), default=view["as_of"])
    return {rel: postings.get(rel) or units.get(rel) or newest for rel in pages}


def sitemap(site_url: str | None, dates: dict[str, str]) -> bytes:
    """The sitemap.xml of these pages: in path order, an address and a date each."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    if site_url:
        base = site_url if site_url.endswith("/") else site_url + "/"
        for rel in sorted(dates):
            url = urljoin(base, html_path(rel))
            lines.append(
                f"    <url>\n         <loc>{escape(url)}</loc>\n"
                f"         <lastmod>{escape(dates[rel])}</lastmod>\n    </url>"
            )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_gz(xml: bytes) -> bytes:
    """The same, gzipped, with no time in the header: the same records give the same bytes."""
    return gzip.compress(xml, mtime=0)
