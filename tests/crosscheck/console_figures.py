#!/usr/bin/env python3
"""The console's overview figures, checked against Python from the raw answers.

The console e2e (tests/e2e/console.test.mjs) reads each figure the overview shows for a
filter (survey, period, dealer) and writes them with the filter to a JSON file. This
script reads the collector's SQLite database directly, picks the responses of that
filter itself (the survey; the dealer; `created_at` on a local day of the dealer's zone,
Asia/Shanghai, from `from` through the whole of `to`; only responses through a signed
link, `verified`, as the overview's figures are: the unverified are shown apart), scores each from its stored
answers with crosscheck.py's independent scoring (the domain's rules, not the Rust
code), aggregates them (mean CSI, NPS with its adjusted-Wald interval, CSAT and FCR
shares) and compares with what the page showed, to the one decimal it shows. So the
chain page = /v1/summary (the e2e's own check) = Python from the answers holds.

A case may also carry the `/v1/summary` reply the page was compared with (`"summary"`):
then every figure of it (n, CSI, the dimension means, NPS with its adjusted-Wald
interval, CSAT/FCR with their Wilson intervals, process compliance, the alerts) is
checked against the same cards to 1e-9 with crosscheck.py's `check_summary`.

The advisors table is checked the same way: a case with `"by": "advisor"` holds the
rows the page showed (`[{"advisor": name | null, "n", "csi": number | null}]`), and
Python groups the filter's responses by the advisor in their context.

Usage: python3 tests/crosscheck/console_figures.py DB.sqlite CASES.json
CASES.json: [{"query": {"survey", "from", "to", "dealer"?}, "shown": {"n", "csi", "nps",
"npsInterval": [low, high] | null, "csat", "fcr"}}, {"query": …, "by": "advisor",
"shown": [rows]}, ...]
Prints one line per case and "N passed, M failed"; exits 1 on any disagreement.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from scipy.stats import norm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosscheck import DECK_WEIGHTS, Checks, adjusted_wald, check_summary, expected_card, mean  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ZONE = ZoneInfo("Asia/Shanghai")
# The domain deck's defaults, as the built-in surveys are scored (crosscheck.py checks
# the Rust side uses them).
CONFIG = {
    "weights": DECK_WEIGHTS,
    "min_answered_share": 0.5,
    "alerts": {
        "low_overall": {"at_most": 2, "points": 5},
        "nps_detractor": True,
        "not_fixed_first_time": ["p_fixed_first_time"],
        "fcr_no": True,
        "contact_requested": True,
        "follow_up_hours": 48,
    },
}
# The page shows one decimal.
SHOWN = 0.05 + 1e-9


def definition(survey: str) -> dict:
    with open(os.path.join(ROOT, "core", "src", "templates", f"{survey}.json"), encoding="utf-8") as f:
        return json.load(f)


def bounds(q: dict) -> tuple[datetime, datetime]:
    """[00:00 of `from`, 00:00 of the day after `to`) in the dealer's zone, as UTC."""
    start = datetime.combine(date.fromisoformat(q["from"]), time(0), ZONE)
    end = datetime.combine(date.fromisoformat(q["to"]) + timedelta(days=1), time(0), ZONE)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def scored(db: sqlite3.Connection, q: dict) -> list[tuple[dict, dict]]:
    """(context, card) of each response the filter `q` picks."""
    start, end = bounds(q)
    rows = db.execute(
        "SELECT answers, created_at, dealer, context FROM responses"
        " WHERE survey_id = ? AND verified = 1",
        (q["survey"],),
    ).fetchall()
    defn = definition(q["survey"])
    return [
        (json.loads(context or "{}"), expected_card(defn, CONFIG, json.loads(answers), created_at))
        for answers, created_at, dealer, context in rows
        if start <= utc(created_at) < end and (not q.get("dealer") or dealer == q["dealer"])
    ]


def by_advisor(db: sqlite3.Connection, q: dict) -> dict:
    """advisor (None: not given) -> (n, mean CSI)."""
    groups: dict = {}
    for context, card in scored(db, q):
        groups.setdefault(context.get("advisor"), []).append(card)
    return {a: (len(cs), mean([c["csi"] for c in cs if c["csi"] is not None])) for a, cs in groups.items()}


def figures(db: sqlite3.Connection, q: dict) -> dict:
    cards = [card for _, card in scored(db, q)]
    out = {"n": len(cards), "csi": mean([c["csi"] for c in cards if c["csi"] is not None]),
           "nps": None, "npsInterval": None, "csat": None, "fcr": None}
    cats = [c["nps"]["category"] for c in cards if c["nps"]]
    if cats:
        plain, _, low, high = adjusted_wald(cats.count("promoter"), cats.count("passive"),
                                            cats.count("detractor"), norm.ppf(0.975))
        out["nps"], out["npsInterval"] = plain, [float(low), float(high)]
    for key, outcomes in (("csat", [c["csat"]["top_two_box"] for c in cards if c["csat"]]),
                          ("fcr", [c["fcr"]["resolved"] for c in cards if c["fcr"]])):
        if outcomes:
            out[key] = 100 * sum(outcomes) / len(outcomes)
    return out


def disagreements(shown: dict, want: dict) -> list[str]:
    def close(a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return abs(a - b) <= SHOWN

    out = [f"{k}: page {shown.get(k)!r}, python {want[k]!r}"
           for k in ("n", "csi", "nps", "csat", "fcr") if not close(shown.get(k), want[k])]
    if want["npsInterval"] is not None:
        got = shown.get("npsInterval") or [None, None]
        if not (close(got[0], want["npsInterval"][0]) and close(got[1], want["npsInterval"][1])):
            out.append(f"npsInterval: page {got!r}, python {want['npsInterval']!r}")
    return out


def advisor_disagreements(shown: list[dict], want: dict) -> list[str]:
    out = []
    names = {r["advisor"] for r in shown}
    if names != set(want):
        out.append(f"advisors: page {sorted(map(str, names))}, python {sorted(map(str, want))}")
    for r in shown:
        if r["advisor"] not in want:
            continue
        n, csi = want[r["advisor"]]
        if r["n"] != n:
            out.append(f"{r['advisor']}: n page {r['n']}, python {n}")
        if (r["csi"] is None) != (csi is None) or (csi is not None and abs(r["csi"] - csi) > SHOWN):
            out.append(f"{r['advisor']}: CSI page {r['csi']!r}, python {csi!r}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    db = sqlite3.connect(f"file:{argv[1]}?mode=ro", uri=True)
    with open(argv[2], encoding="utf-8") as f:
        cases = json.load(f)
    passed = failed = 0
    for case in cases:
        q, shown = case["query"], case["shown"]
        label = f"{q['survey']} {q['from']}..{q['to']} {q.get('dealer') or 'all'}"
        if case.get("by") == "advisor":
            want = by_advisor(db, q)
            label, problems, summary = f"{label} by advisor", advisor_disagreements(shown, want), f"{len(want)} rows"
        else:
            want = figures(db, q)
            csi = "–" if want["csi"] is None else f"{want['csi']:.1f}"
            problems, summary = disagreements(shown, want), f"n {want['n']}, CSI {csi}"
            if "summary" in case:
                checks = Checks()
                cards = [card for _, card in scored(db, q)]
                check_summary(checks, label, cards, case["summary"]["summary"], norm.ppf(0.975))
                summary += f", /v1/summary {checks.passed} figures to 1e-9"
                if checks.failed:
                    problems.append(f"/v1/summary: {checks.failed} figures differ (FAIL lines above)")
        if problems:
            failed += 1
            print(f"FAIL {label}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok   {label}: {summary}")
    if not cases:
        print("no cases given")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
