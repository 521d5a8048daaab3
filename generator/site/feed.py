"""An Atom feed of the postings, so that the public and the press can follow 公示.

Written by feedgen from the public view: each posting's title, period, unit and link,
newest first. Every date in it is a posting's own (its first day), never the clock, so the
same records give the same bytes; feedgen's generator element (which names a web address)
is left out.

Without a `site_url` the feed's links are relative to the feed itself (`feed.xml` lies at
the site's root) and its ids are name-based UUIDs, stable from build to build.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from .escape import cn_date

FEED = "feed.xml"
NEWEST = 100  # postings in the feed; older ones stay on the site and in the downloads
CHINA = ZoneInfo("Asia/Shanghai")


def _day(iso: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(iso), dt.time(), CHINA)


def atom_feed(view: dict) -> bytes:
    """The feed as UTF-8 XML: the newest postings first, by first day of their period."""
    site = view.get("site", {})
    base = (site.get("site_url") or "").rstrip("/")
    name = site.get("name") or "干部能上能下公示"
    namespace = uuid.uuid5(
        uuid.NAMESPACE_URL, "urn:cadre-records:" + "|".join(u["id"] for u in view["units"])
    )
    postings = sorted(view["postings"], key=lambda p: (p["start"], p["id"]), reverse=True)
    postings = postings[:NEWEST]

    def url(path: str) -> str:
        return f"{base}/{path}" if base else path

    fg = FeedGenerator()
    fg.id(f"{base}/{FEED}" if base else namespace.urn)
    fg.title(name)
    fg.subtitle("年度考核、月度积分、竞争上岗和干部调整的公示")
    fg.language("zh-CN")
    fg.link(href=url(FEED), rel="self", type="application/atom+xml")
    fg.link(href=url("index.html"), rel="alternate", type="text/html")
    fg.generator("")  # feedgen's own names its web site: not on an offline site
    fg.updated(_day(postings[0]["start"]) if postings else _day(view["as_of"]))
    for p in postings:
        entry = fg.add_entry(order="append")
        page = f"postings/{p['id']}.html"
        entry.id(url(page) if base else uuid.uuid5(namespace, p["id"]).urn)
        entry.title(p["title"])
        entry.link(href=url(page), rel="alternate", type="text/html")
        entry.author({"name": p["contact"]["office"]})
        entry.category(term=p["kind"], label=p["kind_label"])
        entry.published(_day(p["start"]))
        entry.updated(_day(p["start"]))
        entry.summary(
            f"{p['unit_name']}，{p['kind_label']}。公示期：{cn_date(p['start'])}至{cn_date(p['end'])}"
            f"（{p['working_days']}个工作日）。异议受理：{p['contact']['office']}，"
            f"电话{p['contact']['phone']}。"
        )
    return fg.atom_str(pretty=True, encoding="UTF-8")
