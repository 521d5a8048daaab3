"""The part of the records a change can affect, so the reviewer's diff computes only that.

Every rule's outcome depends on the records of one unit (grading pools, quotas, selections,
accountability) or of one person across the units they have been in (consecutive grades,
terms, retirement, handling). A change therefore moves outcomes only in the units it
touches and in the units its people have been in; computing both revisions on those units
alone gives the same diff as computing everything. A policy change, or a file whose kind is
unknown, affects everything.

The reasoning runs on `Links`: for each file, only the ids it names (units, people,
incidents) and its latest event date. Links are small, so they are kept per git tree, and a
later diff that starts from a known revision reads only the files its scope needs, never
the whole repository (`review`). The records in scope are of two kinds:

- *core*: everything the affected units' outcomes depend on; their findings count;
- *context*: records that core records name (a person's other units, a selection's
  participants from elsewhere, the incidents a case rests on), loaded so that references
  resolve. Outcomes and findings of context records are the same on both sides, since
  nothing they depend on changed, so they are dropped rather than shown half-computed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .model import KINDS, Records, latest_event
from .repository import classify

PEOPLE_LISTS = ("participants", "principal_leaders", "staff")


def people_named(data) -> set[str]:
    """Every person id a record names: `person` fields and lists of people, at any depth.

    Walked with a stack of the mappings and lists still to visit, never calling into a
    plain value: a province's records hold twelve million of them."""
    out: set[str] = set()
    todo = [data]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "person" and isinstance(v, str):
                    out.add(v)
                elif k in PEOPLE_LISTS and isinstance(v, list):
                    out.update(x for x in v if isinstance(x, str))
                if isinstance(v, (dict, list)):
                    todo.append(v)
        elif isinstance(node, list):
            todo.extend(v for v in node if isinstance(v, (dict, list)))
    return out


def facts(kind: str, data: dict) -> tuple:
    """(kind, units, people, incidents, latest event) of one valid document.

    A person's units are their current unit first, then every unit of their history. A
    selection's are its own unit, then every unit its id could name (`qingxi-zhen-001`:
    `qingxi`, `qingxi-zhen`), so that the unit files its id is checked against are loaded.
    """
    if kind == "person":
        units = (data["history"][-1]["unit"], *[s["unit"] for s in data["history"]])
        people: tuple = (data["id"],)
    elif kind == "unit":
        units, people = (data["id"],), tuple(data["principal_leaders"])
    else:
        units = (data["unit"],) if "unit" in data else ()
        if kind == "selection":
            parts = data["id"].split("-")
            units += tuple("-".join(parts[:n]) for n in range(1, len(parts)))
        people = tuple(sorted(people_named(data)))
    incidents = tuple(data["incidents"]) if kind == "case" else ()
    return (kind, units, people, incidents, latest_event(kind, data) or "")


@dataclass
class Links:
    """What each file of one revision names: enough to find a change's scope without loading it.

    `facts` holds the valid documents by path (relative to the records folder); `failed`
    the files with findings of their own, which every diff loads again so their findings
    show.
    """

    facts: dict[str, tuple] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def to_plain(self) -> dict:
        return {"facts": self.facts, "failed": sorted(self.failed)}

    @classmethod
    def from_plain(cls, plain: dict) -> Links:
        return cls(plain["facts"], set(plain["failed"]))

    def paths(self) -> set[str]:
        return set(self.facts) | self.failed

    def latest_event(self) -> str:
        return max((f[4] for f in self.facts.values()), default="")

    def units_of(self, people: set[str]) -> set[str]:
        """The units some people are or have been in, and those whose appraisals list them."""
        units: set[str] = set()
        for pid in people:
            units.update(self.facts.get(f"people/{pid}.yaml", (None, ()))[1])
        for f in self.facts.values():
            if f[0] == "appraisal" and not people.isdisjoint(f[2]):
                units.update(f[1])
        return units


def links_of(rec: Records, files: dict[str, bytes | None], load_paths: set[str]) -> Links:
    """The links of a fully loaded revision; `load_paths` are the files with findings of their own."""
    cut = len(rec.prefix) + 1 if rec.prefix else 0
    out = Links(failed={p[cut:] for p in load_paths if p[cut:] in files})
    for kind, group in KINDS:
        for doc in getattr(rec, group).values():
            out.facts[doc.path[cut:]] = facts(kind, doc.data)
    return out


def affected_units(changed: set[str], sides: list[Links]) -> set[str] | None:
    """Units whose outcomes a set of changed files (paths under records/) may move; None for all."""
    units: set[str] = set()
    named: set[str] = set()
    for rel in changed:
        place = classify(rel)
        if place is None or place.kind == "policy":
            return None
        if place.kind in ("unit", "appraisal", "points"):
            units.add(place.id)
        if place.kind == "person":
            named.add(place.id)
        for links in sides:
            f = links.facts.get(rel)
            if f is not None:
                units.update(f[1])
                named.update(f[2])
    for links in sides:
        units |= links.units_of(named)
    return grow(units, sides)


def grow(units: set[str], sides: list[Links]) -> set[str]:
    """These units and every unit that a person who is or has been in one of them has been in.

    An outcome shown in one unit can read a person's other units: two years' grades in a
    row (A4, A7) follow the person from unit to unit. So a change's outcomes reach the units
    of its people's other stints, and computing a unit's outcomes whole needs every unit of
    each of its people loaded: one growth for what a change moves, another for computing
    all of that exactly (the site build, `site.view_cache`).
    """
    grown = set(units)
    for links in sides:
        for f in links.facts.values():
            if f[0] == "person" and not units.isdisjoint(f[1]):
                grown.update(f[1])
    return grown


def select(links: Links, units: set[str]) -> tuple[set[str], set[str]]:
    """The core and context paths of one revision for a set of affected units."""
    core: set[str] = set()
    people: set[str] = set()
    for rel, f in links.facts.items():
        kind = f[0]
        if kind == "policy":
            core.add(rel)
        elif kind == "person":
            if not units.isdisjoint(f[1]):
                people.add(f[2][0])
        elif kind in ("unit", "appraisal", "points", "selection") and f[1] and f[1][0] in units:
            core.add(rel)
            if kind == "appraisal":
                people.update(f[2])
    core.update(p for pid in people if (p := f"people/{pid}.yaml") in links.facts)
    every = links.paths()
    incident_paths: dict[str, list[str]] = {}
    for rel in every:
        if rel.startswith("incidents/"):
            incident_paths.setdefault(rel.rpartition("/")[2], []).append(rel)
    named_incidents: set[str] = set()
    for rel, f in links.facts.items():
        if f[0] in ("incident", "case") and f[2] and f[2][0] in people:
            core.add(rel)
            named_incidents.update(f[3])
            if f[0] == "incident":
                named_incidents.add(rel.rpartition("/")[2].removesuffix(".yaml"))
    context: set[str] = set()
    for rel in core:
        f = links.facts[rel]
        context.update(f"units/{u}.yaml" for u in f[1])
        context.update(f"people/{p}.yaml" for p in f[2])
    for iid in named_incidents:  # a case's incidents, and every file that claims the same id
        context.update(incident_paths.get(f"{iid}.yaml", ()))
    context &= every
    return core, context - core


def clash_partners(failed: set[str]) -> set[str]:
    """The paths a misnamed file may clash with (`check_name_clashes`): its normalised name."""
    out = set()
    for rel in failed:
        folder, _, name = rel.rpartition("/")
        out.add(f"{folder}/{unicodedata.normalize('NFKC', name).casefold()}")
    return out


def restrict(rec: Records, paths: set[str]) -> Records:
    """The documents of a revision whose paths (relative to the records folder) are given."""
    cut = len(rec.prefix) + 1 if rec.prefix else 0
    kept = {
        group: {k: d for k, d in getattr(rec, group).items() if d.path[cut:] in paths}
        for _kind, group in KINDS
    }
    return Records(prefix=rec.prefix, failed=rec.failed, **kept)
