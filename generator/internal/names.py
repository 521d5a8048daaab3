"""What the internal pages call things: people, units, ranks, teams, by their Chinese names."""

from __future__ import annotations

from ..model import Records
from ..rules.shared import policy_in_force


def person_ref(rec: Records, pid: str | None) -> dict | None:
    """A person as the pages show one: id, name and the dossier's page."""
    if not pid:
        return None
    doc = rec.people.get(pid)
    return {"id": pid, "name": doc.data["name"] if doc else pid, "page": f"people/{pid}.md"}


def unit_ref(rec: Records, uid: str | None) -> dict | None:
    if not uid:
        return None
    doc = rec.units.get(uid)
    return {"id": uid, "name": doc.data["name"] if doc else uid, "page": f"units/{uid}.md"}


def rank_names(rec: Records, year: int) -> dict[str, str]:
    policy = policy_in_force(rec, year)[1] or {}
    return {r["id"]: r["name"] for r in policy.get("ranks", [])}


def team_names(rec: Records, uid: str) -> dict[str, str]:
    doc = rec.units.get(uid)
    return {t["id"]: t["name"] for t in (doc.data.get("teams", []) if doc else [])}
