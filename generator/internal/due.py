"""待办: what the department has to act on, each item dated, with its person or unit, rule
and record.

Most items are the internal alerts the rules already raise within their notice periods
(retirements, terms, trials and probations, restrictions ending, ties at the quota
boundary, reviews and appeals waiting past their window, rounds and placements still to
make). Three more are read here: trial and probation periods ending about now with their
outcome recorded or not; demotions decided and not yet recorded in the history (the A6
warning of the check stage); and the postings open on the as-of date.
"""

from __future__ import annotations

import datetime as dt

from ..dates import add_months
from ..labels import ALERT_LABELS, POSTING_KINDS, PROBATION_LABELS
from ..model import Records
from ..rules.tenure import period_end
from ..site.project import public_path
from .names import person_ref, unit_ref

# Alerts that are an overview rather than something to do.
NOT_TO_DO = {"findings_by_channel"}
OUTCOMES = {"passed": "合格", "failed": "不合格"}


def _item(rec, day, what, rule, message, sources, person=None, unit=None) -> dict:
    return {
        "date": day,
        "what": what,
        "rule": rule,
        "person": person_ref(rec, person),
        "unit": unit_ref(rec, unit),
        "message": message,
        "sources": sorted({public_path(rec, s) for s in sources}),
    }


def from_alerts(rec: Records, results: dict) -> list[dict]:
    return [
        _item(
            rec,
            a["date"],
            ALERT_LABELS.get(a["type"], a["type"]),
            a["rule"],
            a["message"],
            a["sources"],
            a["person"],
            a["unit"],
        )
        for a in results["alerts"]
        if a["type"] not in NOT_TO_DO
    ]


def periods_ending(rec: Records, as_of: dt.date) -> list[dict]:
    """T3: trial and probation periods whose last day falls within a month either side of
    the as-of date and whose outcome is recorded (the rules alert on those without one)."""
    first, last = add_months(as_of, -1), add_months(as_of, 1)
    out = []
    for pid, doc in sorted(rec.people.items()):
        for period in doc.data.get("probation", []):
            ends = period_end(period)
            if not first <= ends <= last:
                continue
            outcome = period.get("outcome")
            if outcome is None:
                continue  # an alert of the T3 rule says so already
            label = PROBATION_LABELS[period["kind"]]
            recorded = f"已记录考核结果：{OUTCOMES[outcome]}"
            message = f"{label}（{period['start']}起{period['months']}个月）于{ends.isoformat()}期满，{recorded}"
            unit = doc.data["history"][-1]["unit"]
            item = _item(
                rec, ends.isoformat(), f"{label}期满", "T3", message, [doc.path], pid, unit
            )
            out.append(item)
    return out


def demotions_pending(rec: Records, results: dict) -> list[dict]:
    """A6: a demotion past its effective date with no lower stint in the history (the check
    stage's warning), as something still to carry out."""
    out = []
    actions = {
        (a["person"], a["year"]): a
        for a in results["actions"]
        if a["rule"] == "A6" and a["type"] == "demotion"
    }
    for f in results["findings"]:
        if f["rule"] != "A6" or f["severity"] != "warning":
            continue
        pid = f["path"].rsplit("/", 1)[-1].removesuffix(".yaml")
        for (who, year), a in sorted(actions.items()):
            if who == pid and f["message"].startswith(f"{year} "):
                message = f"{a['year']}年度不称职，降低一个职级层次的决定自{a['effective']}起执行，任职经历中尚无记录"
                unit = rec.people[pid].data["history"][-1]["unit"] if pid in rec.people else None
                out.append(
                    _item(
                        rec, a["effective"], "降级决定待落实", "A6", message, [f["path"]], pid, unit
                    )
                )
    return out


def open_postings(rec: Records, results: dict) -> list[dict]:
    return [
        _item(
            rec,
            p["end"],
            f"{POSTING_KINDS[p['kind']]}公示中",
            "O1",
            f"{p['title']}：{p['start']}至{p['end']}公示，期间受理异议",
            p["sources"],
            unit=p["unit"],
        )
        for p in results["postings"]
        if p["open"]
    ]


def due_items(rec: Records, results: dict, as_of: dt.date) -> list[dict]:
    """Everything due, earliest first (undated items, such as a restriction awaiting its
    decision, last)."""
    items = from_alerts(rec, results) + periods_ending(rec, as_of)
    items += demotions_pending(rec, results) + open_postings(rec, results)
    return sorted(items, key=lambda i: (i["date"] is None, i["date"] or "", i["rule"], i["what"]))
