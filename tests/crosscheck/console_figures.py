#!/usr/bin/env python3
"""Independent cross-check of the console overview's figures (issue 15).

Given a collector's SQLite database, a `/v1/summary` reply and the filter it was asked
for, recomputes the summary here from the stored answers alone, with crosscheck.py's
own scoring (written from the domain rules, not from the Rust code) and the domain
deck's default scoring config (the built-in surveys are scored with it), and compares
every figure to 1e-9: n, CSI, the dimension means, NPS with its adjusted-Wald
interval, CSAT/FCR with their Wilson intervals, process compliance and the alerts.
With `--shown FILE` it also checks the overview's printed figures (one decimal, a half
away from zero, as the console prints them) against the same computation.

Usage: console_figures.py DB SUMMARY.json SURVEY DEALER FROM_UTC TO_UTC [--shown SHOWN.json]
  FROM_UTC / TO_UTC: the filter's instants as the collector stores times
  (`2026-09-30T16:00:00`), `to` exclusive. Prints "N passed, M failed"; exit 1 on any.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from crosscheck import DECK_WEIGHTS, Checks, adjusted_wald, check_summary, expected_card, mean
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parents[2]

# The domain deck's defaults (shared domain notes), as the built-in surveys are scored.
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


def one_decimal(x: float) -> str:
    """One decimal, an exact half of the tenth rounded away from zero."""
    y = Decimal(float(x) * 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 10
    return f"{float(y):.1f}"


def main(argv: list[str]) -> int:
    if len(argv) not in (7, 9):
        print(__doc__)
        return 2
    db, reply_path, survey, dealer, start, end = argv[1:7]
    definition = json.loads((ROOT / "core/src/templates" / f"{survey}.json").read_text(encoding="utf-8"))
    reply = json.loads(Path(reply_path).read_text(encoding="utf-8"))
    rows = sqlite3.connect(db).execute(
        "SELECT answers, created_at FROM responses WHERE survey_id = ? AND dealer = ? AND verified = 1"
        " AND score IS NOT NULL AND rtrim(created_at, 'Z') >= ? AND rtrim(created_at, 'Z') < ? ORDER BY seq",
        (survey, dealer, start, end),
    ).fetchall()
    expected = [expected_card(definition, CONFIG, json.loads(a), created) for a, created in rows]
    checks = Checks()
    z = norm.ppf(0.975)
    check_summary(checks, f"{survey}/{dealer}", expected, reply["summary"], z)

    if len(argv) == 9:
        shown = json.loads(Path(argv[8]).read_text(encoding="utf-8"))

        def same(name: str, ours: str, theirs: str) -> None:
            checks.check(f"shown/{name}", [] if ours == theirs else [f"python {ours} != page {theirs}"])

        same("responses", str(len(expected)), shown["responses"])
        same("csi", one_decimal(mean([e["csi"] for e in expected if e["csi"] is not None])), shown["csi"])
        cats = [e["nps"]["category"] for e in expected if e["nps"]]
        plain, _, low, high = adjusted_wald(*(cats.count(c) for c in ("promoter", "passive", "detractor")), z)
        same("nps", one_decimal(plain), shown["nps"])
        same("nps_interval", f"{one_decimal(low)} – {one_decimal(high)}", shown["nps_interval"])
        top = [e["csat"]["top_two_box"] for e in expected if e["csat"]]
        lo, hi = proportion_confint(sum(top), len(top), alpha=0.05, method="wilson")
        pct = lambda x: f"{one_decimal(100 * float(x))}%"  # noqa: E731
        same("csat", pct(sum(top) / len(top)), shown["csat"])
        same("csat_interval", f"{pct(lo)} – {pct(hi)}", shown["csat_interval"])

    print(f"{len(expected)} responses of {survey} at {dealer} cross-checked")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
