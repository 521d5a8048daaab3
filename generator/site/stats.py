"""The mechanism's own numbers (统计): per year and unit, grades and the ways up and down.

Counted from the public view only, so a figure here is a sum of what the postings already
show, and never names a person: how many were appraised and in each grade (A3), how many
went up through competitive appointment (S1, S2), and how many went down and how, from
the consequences of grades (A6, A7) and from decided cases (F6, F7, F4's resignation).
Measures are counted as they are posted (人次): one person demoted after 不称职 is one
demotion and one trial.
"""

from __future__ import annotations

from ..labels import GRADE_LABELS

GRADES = ("excellent", "competent", "basically_competent", "incompetent", "ungraded", "pending")
GRADE_NAMES = GRADE_LABELS | {"pending": "待定"}

# Ways up and down, in the order the page shows them; `down` says whether a measure counts
# as going down. A trial comes with an A6 demotion: shown, but not counted twice.
MOVES = (
    ("elected", "竞争上岗当选", "up"),
    ("demotion", "降职", "down"),
    ("removal", "免职", "down"),
    ("non_leadership_post", "改任非领导职务", "down"),
    ("professional_post", "改任专业技术岗位", "down"),
    ("transfer", "交流", "down"),
    ("resignation", "引咎辞职", "down"),
    ("early_retirement", "提前退休", "down"),
    ("dismissal", "辞退", "down"),
    ("trial", "试岗", None),
)
# Shown even when no year has one: the ways the policy paper names.
ALWAYS = {"elected", "demotion", "removal", "transfer", "trial", "resignation"}
APPRAISAL_MOVES = {"demotion", "trial", "dismissal"}  # A6, A7 consequences


def _empty(unit: str, unit_name: str) -> dict:
    return {
        "unit": unit,
        "unit_name": unit_name,
        "appraised": 0,
        "grades": dict.fromkeys(GRADES, 0),
        "moves": {key: 0 for key, _, _ in MOVES},
    }


def _add(total: dict, row: dict) -> None:
    total["appraised"] += row["appraised"]
    for g in GRADES:
        total["grades"][g] += row["grades"][g]
    for key in total["moves"]:
        total["moves"][key] += row["moves"][key]


def _finish(row: dict) -> dict:
    kinds = {key: kind for key, _, kind in MOVES}
    row["up"] = sum(n for k, n in row["moves"].items() if kinds[k] == "up")
    row["down"] = sum(n for k, n in row["moves"].items() if kinds[k] == "down")
    return row


def statistics(view: dict) -> dict:
    """Per year (newest first): a row per unit with postings that year, and the year's total."""
    rows: dict[tuple[int, str], dict] = {}
    for p in view["postings"]:
        row = rows.setdefault((p["year"], p["unit"]), _empty(p["unit"], p["unit_name"]))
        body = p["body"]
        if p["kind"] == "appraisal":
            row["appraised"] += len(body["rows"])
            for r in body["rows"]:
                row["grades"][r["grade"]] += 1
            for c in body["consequences"]:
                if c["type"] in APPRAISAL_MOVES:
                    row["moves"][c["type"]] += 1
        elif p["kind"] == "selection":
            for vote in (*body["leaders"], *body["deputies"]):
                row["moves"]["elected"] += len(vote["elected"])
        elif p["kind"] == "decision" and body["outcome_type"] in row["moves"]:
            row["moves"][body["outcome_type"]] += 1
    years = []
    for year in sorted({y for y, _ in rows}, reverse=True):
        units = [_finish(rows[k]) for k in sorted(rows) if k[0] == year]
        total = _empty("", "合计")
        for row in units:
            _add(total, row)
        years.append({"year": year, "units": units, "total": _finish(total)})
    used = {k for y in years for k, n in y["total"]["moves"].items() if n}
    grades_used = {g for y in years for g, n in y["total"]["grades"].items() if n}
    return {
        "years": years,
        "grades": [
            {"key": g, "label": GRADE_NAMES[g]}
            for g in GRADES
            if g in GRADES[:4] or g in grades_used
        ],
        "moves": [
            {"key": k, "label": label, "kind": kind}
            for k, label, kind in MOVES
            if k in ALWAYS or k in used
        ],
    }
