"""The internal view -> the Markdown pages of the department's site.

The same environment as the public site (`site.render.environment`): every value goes
through `md_escape`, so a record's text can never become markup here either.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..site.render import TEMPLATES, environment


def render_internal(view: dict) -> Iterator[tuple[str, bytes]]:
    """Every file of the docs folder, one at a time: 待办, 预警, a dossier per person, a
    page per unit."""
    env = environment()

    def page(path: str, template: str, **context) -> tuple[str, bytes]:
        text = env.get_template(template).render(page_path=path, view=view, **context)
        return path, text.encode("utf-8")

    yield page("index.md", "internal/home.md.j2")
    yield page("watch.md", "internal/watch.md.j2")
    yield page("people/index.md", "internal/people.md.j2")
    for p in view["people"]:
        yield page(f"people/{p['id']}.md", "internal/person.md.j2", p=p)
    yield page("units/index.md", "internal/units.md.j2")
    for u in view["units"]:
        yield page(f"units/{u['id']}.md", "internal/unit.md.j2", u=u)
    for css in ("site.css", "internal.css"):
        yield f"stylesheets/{css}", (TEMPLATES / "stylesheets" / css).read_bytes()


def internal_navigation(view: dict) -> list:
    """Four entries; dossiers and unit pages are reached from their indexes."""
    return [
        {"待办": "index.md"},
        {"预警": "watch.md"},
        {"人员档案": "people/index.md"},
        {"单位": "units/index.md"},
    ]


def internal_words(view: dict) -> str:
    """The search's dictionary: every person's name as one term."""
    names = sorted({p["name"] for p in view["people"] if " " not in p["name"]})
    return "".join(f"{n} 100 nr\n" for n in names)
