"""The department's internal view: what is due, who to watch, each cadre's record, and the
walls that keep it off the public site.

Watch-list numbers are worked out here from the rule and the records; the demo county's
policy turns the watch list on.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli_site
from generator.cli import main
from generator.internal.view import internal_view
from generator.pipeline import check_dir, compute_checked
from generator.rules.watch import bottom, compute_watch

HERE = Path(__file__).parent
WATCH = {
    "enabled": True,
    "incompetent_votes_above": "1/3",
    "approval_below": "2/3",
    "bottom_share": 0.1,
    "bottom_years": 2,
    "repeated_assignments": 2,
    "points_bottom_share": 0.1,
}


@pytest.fixture(scope="session")
def DEMO(demo_repo):
    """The demo county's records, in a copy of their own (see conftest.demo_repo)."""
    return demo_repo / "records"


@pytest.fixture(scope="module")
def demo(DEMO):
    checked = check_dir(DEMO)
    results, findings = compute_checked(checked, {})
    assert [f.text() for f in findings if f.severity == "error"] == []
    return checked.records, results


# ---------------------------------------------------------------- 预警


@pytest.mark.parametrize(
    ("size", "share", "count"), [(9, 0.1, 0), (10, 0.1, 1), (22, 0.1, 2), (2, 0.1, 0)]
)
def test_the_bottom_share_rounds_down(size, share, count):
    assert bottom(size, share) == count


def test_a_demo_cadre_with_low_approval_is_on_the_watch_list(demo):
    rec, results = demo
    # yan-dawei's 2024 democratic evaluation (records/appraisals/2024/nongji-zhongxin.yaml):
    #   own unit 1 优秀, 1 称职, 10 基本称职, 1 不称职; superiors 0, 0, 3, 2;
    #   related units 0, 0, 3, 3; service recipients 0, 1, 5, 2.
    # 32 votes cast; 优秀 + 称职 = 1 + 2 = 3, below 2/3 x 32 = 21.33: low approval.
    # 不称职 = 1 + 2 + 3 + 2 = 8, not above 1/3 x 32 = 10.67: no incompetent-votes entry.
    entry = next(
        e
        for e in rec.appraisals[(2024, "nongji-zhongxin")].data["entries"]
        if e["person"] == "yan-dawei"
    )
    tallies = entry["democratic"]
    assert [tallies[g]["incompetent"] for g in tallies] == [1, 2, 3, 2]
    found = {(w["signal"], w["year"]): w for w in results["watch"] if w["person"] == "yan-dawei"}
    assert found[("low_approval", 2024)]["numbers"] | {} == {
        "votes": 32,
        "excellent": 1,
        "competent": 2,
        "basically_competent": 21,
        "incompetent": 8,
        "threshold": "2/3",
    }
    assert ("incompetent_votes", 2024) not in found


def test_the_watch_list_is_off_unless_the_policy_turns_it_on(demo):
    rec, results = demo
    as_of = dt.date.fromisoformat(results["as_of"])
    year = max(rec.policies)
    saved = rec.policies[year].data
    try:
        rec.policies[year].data = saved | {"watch": WATCH | {"enabled": False}}
        assert compute_watch(rec, results, as_of) == []
        rec.policies[year].data = {k: v for k, v in saved.items() if k != "watch"}
        assert compute_watch(rec, results, as_of) == []
    finally:
        rec.policies[year].data = saved


def test_bottom_of_the_pool_two_years_running_with_its_numbers(demo):
    rec, results = demo
    # yan-dawei: 10th of the 10 graded in the nongji-zhongxin staff pool in 2024 and 2025;
    # the bottom 10% of 10 is one person: the last
    [w] = [
        w
        for w in results["watch"]
        if w["person"] == "yan-dawei" and w["signal"] == "bottom_of_pool"
    ]
    assert [(y["year"], y["rank"], y["size"]) for y in w["numbers"]["years"]] == [
        (2024, 10, 10),
        (2025, 10, 10),
    ]
    pool = [a for a in results["appraisals"] if a["pool"] == "nongji-zhongxin/staff" and a["rank"]]
    assert {a["year"]: len([b for b in pool if b["year"] == a["year"]]) for a in pool} == {
        2024: 10,
        2025: 10,
    }


def test_repeated_assignment_findings_in_a_year(demo):
    rec, results = demo
    f5 = {}
    for d in rec.incidents.values():
        if d.data["kind"] == "assignment":
            key = (d.data["person"], d.data["date"][:4])
            f5[key] = f5.get(key, 0) + 1
    expected = sorted((p, int(y), n) for (p, y), n in f5.items() if n >= 2)
    got = sorted(
        (w["person"], w["year"], w["numbers"]["count"])
        for w in results["watch"]
        if w["signal"] == "repeated_assignments"
    )
    assert got == expected and got  # the demo has a person with two in one year


# ---------------------------------------------------------------- 待办 and dossiers


def test_due_items_include_a_term_ending_worked_by_hand(demo):
    rec, results = demo
    view = internal_view(rec, results)
    # luo-jianping has been 镇长 of 青溪镇 since 2021-05-18 (term 1): 5 years end on
    # 2026-05-18, within the 6 months' notice of 2026-01-22
    assert results["as_of"] == "2026-01-22"
    [item] = [i for i in view["due"] if i["person"] and i["person"]["id"] == "luo-jianping"]
    assert (item["date"], item["rule"], item["what"]) == ("2026-05-18", "T1", "任期即将届满")
    assert item["person"]["page"] == "people/luo-jianping.md"
    # every posting open on the as-of date is due too
    open_ids = {p["title"] for p in results["postings"] if p["open"]}
    assert open_ids and all(any(t in i["message"] for i in view["due"]) for t in open_ids)


def test_a_dossier_holds_the_whole_record_private_fields_included(demo):
    rec, results = demo
    view = internal_view(rec, results)
    d = next(p for p in view["people"] if p["id"] == "yan-dawei")
    assert d["birth_date"] == rec.people["yan-dawei"].data["birth_date"]
    assert [s["post"] for s in d["stints"]] == [
        s["post"] for s in rec.people["yan-dawei"].data["history"]
    ]
    assert [(a["year"], a["total"]) for a in d["appraisals"]] == [(2024, "53.45"), (2025, "54.03")]
    assert {a["rule"] for a in d["actions"]} >= {"A6", "A7"}


def test_a_review_waiting_past_its_window_is_due():
    from generator.loader import Document
    from generator.model import Records
    from generator.rules.procedure import overdue_steps

    rec = Records()
    rec.people["p1"] = Document(
        "records/people/p1.yaml",
        {"id": "p1", "history": [{"unit": "u1", "category": "staff", "start": "2020-01-01"}]},
    )
    rec.policies[2025] = Document(
        "records/policy/2025.yaml", {"appeal": {"review_decision_days": 30}}
    )
    case = Document(
        "records/cases/c1.yaml",
        {"id": "c1", "person": "p1", "review": {"filed": "2025-03-10"}},
    )
    # filed 2025-03-10, 30 days: decided by 2025-04-09; on 2025-04-09 it is not late yet
    assert overdue_steps(rec, case, dt.date(2025, 4, 9)) == []
    [late] = overdue_steps(rec, case, dt.date(2025, 4, 10))
    assert (late["type"], late["date"], late["case"]) == ("review_overdue", "2025-04-09", "c1")


# ---------------------------------------------------------------- never public


@pytest.fixture(scope="module")
def build(DEMO):
    def run(*args):
        return CliRunner().invoke(main, ["build", "--records", str(DEMO), *args])

    return run


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory, build):
    out = tmp_path_factory.mktemp("internal") / "internal-site"
    result = build("--audience", "internal", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "内含个人信息" in result.output
    return out


def test_the_internal_view_is_never_written_where_a_public_build_lives(
    internal_site, tmp_path, build
):
    public = tmp_path / "site"
    assert build("--out", str(public)).exit_code == 0
    for out in (public, public / "inside", tmp_path):  # the public build, in it, around it
        result = build("--audience", "internal", "--out", str(out))
        assert result.exit_code == 1 and "公示网站" in result.output, out
    assert not (public / ".cadre-internal").exists()
    # and the reverse: no public build into, inside or around the internal view
    for out in (internal_site, internal_site / "inside", internal_site.parent):
        result = build("--out", str(out))
        assert result.exit_code == 1 and "内部工作台" in result.output, out
    assert not (internal_site / ".cadre-site").exists()


def test_the_audit_fails_on_the_internal_view(internal_site, DEMO):
    result = CliRunner().invoke(main, ["audit-site", str(internal_site), "--records", str(DEMO)])
    assert result.exit_code == 1
    assert "内部工作台" in result.output
    # the dossiers hold private facts of findings and birth dates (written 1986年11月7日):
    # the audit finds them as leaks too
    assert "facts" in result.output and "birth_date" in result.output


def test_serving_the_internal_view_listens_on_the_loopback_address_only(internal_site, monkeypatch):
    bound = []

    class Server:
        def __init__(self, address, handler):
            bound.append(address)
            self.server_address = address

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    monkeypatch.setattr(cli_site.http.server, "ThreadingHTTPServer", Server)
    result = CliRunner().invoke(
        main,
        [
            "serve",
            "--audience",
            "internal",
            "--no-build",
            "--out",
            str(internal_site),
            "--port",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert bound == [("127.0.0.1", 0)]


def test_no_workflow_builds_the_internal_view():
    from ruamel.yaml import YAML

    runs = []
    for wf in sorted((HERE.parent / ".github" / "workflows").glob("*.yml")):
        doc = YAML(typ="safe").load(wf.read_text(encoding="utf-8"))
        runs += [
            str(step.get("run", ""))
            for job in doc["jobs"].values()
            for step in job.get("steps", [])
        ]
    assert any("cadre build" in r for r in runs)  # the public site is built there
    assert not any("internal" in r for r in runs)


def test_git_ignores_the_internal_view():
    assert "/internal-site/" in (HERE.parent / ".gitignore").read_text(encoding="utf-8").split()


def test_the_internal_pages_name_the_records_they_read(internal_site, DEMO):
    page = html.unescape((internal_site / "people" / "yan-dawei.html").read_text("utf-8"))
    assert "records/people/yan-dawei.yaml" in page and str(DEMO) not in page
    index = json.loads((internal_site / "search" / "search_index.json").read_text("utf-8"))
    assert any(e["location"].startswith("people/yan-dawei.html") for e in index["docs"])
