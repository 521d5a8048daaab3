"""The internal view as a build audience: its marker, folder, pages and name."""

from __future__ import annotations

from ..site.build import Audience
from ..site.view_cache import computed_whole
from .render import internal_navigation, internal_words, render_internal
from .view import internal_view

INTERNAL = Audience(
    name="internal",
    marker=".cadre-internal",
    default_out="internal-site",
    view=computed_whole(internal_view),
    render=lambda view, memo: render_internal(view),  # every page is rendered again
    navigation=internal_navigation,
    words=internal_words,
    detail_pages=("people/", "units/"),
    site_name="干部能上能下内部工作台（内部资料，不得公开）",
    extra_css=("stylesheets/internal.css",),
    # Its pages hold private fields; they are kept under the records' own cache, which holds
    # every record already and never leaves the machine (git ignores it).
    page_store="pages-internal",
)
