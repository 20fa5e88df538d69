#!/usr/bin/env python3
"""Independent cross-check of survey-core's scoring (core/src/scoring/).

Reads the file written by

    cargo run -p survey-core --example score_fixtures -- target/crosscheck/fixtures.json

(definitions, scoring configs, pseudo-random responses, and the Rust score cards and
summaries), recomputes every score here from the definitions and answers alone, in plain
Python written from the domain rules (shared domain notes, the module docs) rather than
from the Rust code, with statsmodels
for the Wilson intervals and datetime for the +48 h due times, and asserts agreement to
1e-9. Prints "N passed, M failed" and exits 1 on any disagreement.

Usage: python3 tests/crosscheck/crosscheck.py FIXTURES.json
Needs: statsmodels (pip install -r tests/crosscheck/requirements.txt).
"""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime, timedelta

from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

TOL = 1e-9
DIMENSIONS = ["reliability", "responsiveness", "assurance", "empathy", "tangibles"]
HEART = ["happiness", "engagement", "adoption", "retention", "task_success"]
RULES = ["low_overall", "nps_detractor", "not_fixed_first_time", "fcr_no", "contact_requested"]
DECK_WEIGHTS = {"reliability": 32, "responsiveness": 22, "assurance": 19, "empathy": 16, "tangibles": 11}


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.shown = 0

    def check(self, name: str, problems: list[str]) -> None:
        if problems:
            self.failed += 1
            if self.shown < 25:
                self.shown += 1
                print(f"FAIL {name}: " + "; ".join(problems[:5]))
        else:
            self.passed += 1


def same(a, b) -> bool:
    """Equal, with floats to TOL; None only equals None."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= TOL
    return a == b


def compare(problems: list[str], what: str, ours, theirs) -> None:
    if not same(ours, theirs):
        problems.append(f"{what}: python {ours!r} vs rust {theirs!r}")


# ------------------------------------------------------------------ one response

def scored_items(definition: dict) -> list[dict]:
    """The numeric items of a definition, in order: ratings 1..points, NPS 0..10, matrix
    rows 1..points (own scoring only), yes/no 0..1 when tagged process, FCR, a dimension
    or a HEART category."""
    out = []
    for page in definition["pages"]:
        for q in page["questions"]:
            inp = q["input"]
            meta = q.get("scoring") or {}
            kind = inp["type"]
            if kind == "rating" and inp["points"] >= 2:
                out.append(dict(id=q["id"], kind="rating", lo=1, hi=inp["points"], meta=meta))
            elif kind == "nps":
                out.append(dict(id=q["id"], kind="nps", lo=0, hi=10, meta=meta))
            elif kind == "yes_no" and (meta.get("role") in ("process", "fcr")
                                       or meta.get("dimension") or meta.get("heart")):
                out.append(dict(id=q["id"], kind="yes_no", lo=0, hi=1, meta=meta))
            elif kind == "matrix" and inp["points"] >= 2:
                for row in inp["items"]:
                    out.append(dict(id=row["id"], kind="matrix", lo=1, hi=inp["points"],
                                    meta=row.get("scoring") or {}))
    return out


def value(item: dict, answer) -> int | None:
    """The point given, or None for unanswered, N/A and answers that do not fit."""
    if not isinstance(answer, dict):
        return None  # None (unanswered) or "not_applicable"
    if item["kind"] == "yes_no":
        return int(answer["yes_no"]) if "yes_no" in answer else None
    v = answer.get("scale")
    return v if isinstance(v, int) and item["lo"] <= v <= item["hi"] else None


def weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    den = sum(w for _, w in pairs if w > 0)
    if den <= 0:
        return None
    return min(100.0, max(0.0, sum(w * x for x, w in pairs if w > 0) / den))


def expected_card(definition: dict, config: dict, answers: dict, submitted_at: str) -> dict:
    items = []
    for it in scored_items(definition):
        v = value(it, answers.get(it["id"]))
        w = it["meta"].get("weight")
        items.append(dict(
            it,
            value=v,
            rescaled=None if v is None else (v - it["lo"]) / (it["hi"] - it["lo"]) * 100.0,
            weight=w if isinstance(w, (int, float)) and math.isfinite(w) and w > 0 else 1.0,
        ))

    share = config["min_answered_share"]
    dims = {}
    for d in DIMENSIONS:
        mine = [i for i in items if i["meta"].get("dimension") == d]
        answered = [i for i in mine if i["rescaled"] is not None]
        counted = len(answered) > 0 and len(answered) >= share * len(mine)
        mean = weighted_mean([(i["rescaled"], i["weight"]) for i in answered]) if counted else None
        dims[d] = dict(items=len(mine), answered=len(answered), counted=mean is not None, mean=mean)
    weights = {d: max(0.0, float(config["weights"][d])) for d in DIMENSIONS}
    csi = weighted_mean([(dims[d]["mean"], weights[d]) for d in DIMENSIONS if dims[d]["mean"] is not None])

    def first(role: str, kinds: tuple[str, ...]):
        return next((i for i in items
                     if i["meta"].get("role") == role and i["kind"] in kinds and i["value"] is not None), None)

    nps_item = first("nps", ("nps",))
    nps = None
    if nps_item:
        v = nps_item["value"]
        nps = dict(question=nps_item["id"], value=v,
                   category="detractor" if v <= 6 else "passive" if v <= 8 else "promoter")
    csat_item = first("csat", ("rating", "matrix"))
    csat = None if csat_item is None else dict(
        question=csat_item["id"], value=csat_item["value"], points=csat_item["hi"],
        top_box=csat_item["value"] == csat_item["hi"], top_two_box=csat_item["value"] >= csat_item["hi"] - 1)
    ces_item = first("ces", ("rating", "matrix"))
    ces = None if ces_item is None else dict(
        question=ces_item["id"], value=ces_item["value"], points=ces_item["hi"], rescaled=ces_item["rescaled"])
    fcr_item = first("fcr", ("yes_no",))
    fcr = None if fcr_item is None else dict(question=fcr_item["id"], resolved=fcr_item["value"] == 1)

    process = [i["value"] for i in items
               if i["kind"] == "yes_no" and i["meta"].get("role") == "process" and i["value"] is not None]
    compliance = sum(process) / len(process) if process else None

    # HEART: the numeric items tagged with a category, and the non-numeric questions
    # tagged with one as behavioural signals (answered 100, left unanswered 0), in
    # definition order.
    by_id = {i["id"]: i for i in items}
    contributions = []
    for page in definition["pages"]:
        for q in page["questions"]:
            kind = q["input"]["type"]
            if kind in ("text", "single_choice", "multi_choice", "contact"):
                h = (q.get("scoring") or {}).get("heart")
                if not h:
                    continue
                if q.get("show_if") or page.get("show_if"):
                    raise SystemExit(f"{q['id']}: a conditional HEART signal is not modelled here")
                a = answers.get(q["id"])
                if a == "not_applicable":
                    continue
                given = isinstance(a, dict) and (
                    bool(a["text"].strip()) if "text" in a
                    else bool(a["choices"]) if "choices" in a
                    else bool(a["contact"]["consent"]) if "contact" in a
                    else True)
                contributions.append((h, q["id"], 100.0 if given else 0.0))
            else:
                ids = [row["id"] for row in q["input"]["items"]] if kind == "matrix" else [q["id"]]
                for qid in ids:
                    i = by_id.get(qid)
                    if i and i["meta"].get("heart") and i["rescaled"] is not None:
                        contributions.append((i["meta"]["heart"], qid, i["rescaled"]))
    heart = {}
    for h in HEART:
        fed = [(qid, r) for hh, qid, r in contributions if hh == h]
        heart[h] = dict(items=fed, mean=sum(r for _, r in fed) / len(fed) if fed else None)

    rules = config["alerts"]
    alerts = []
    low = rules.get("low_overall")
    if low:
        threshold = (low["at_most"] - 1) / (low["points"] - 1)
        for i in items:
            if (i["meta"].get("role") in ("overall", "csat") and i["kind"] in ("rating", "matrix")
                    and i["value"] is not None
                    and (i["value"] - 1) / (i["hi"] - 1) <= threshold + 1e-12):
                alerts.append(("low_overall", i["id"], f"{i['value']} of {i['hi']}"))
    if rules["nps_detractor"] and nps and nps["category"] == "detractor":
        alerts.append(("nps_detractor", nps["question"], f"{nps['value']} of 10"))
    questions = [q for p in definition["pages"] for q in p["questions"]]
    for q in questions:
        if (q["id"] in rules["not_fixed_first_time"] and q["input"]["type"] == "yes_no"
                and answers.get(q["id"]) == {"yes_no": False}):
            alerts.append(("not_fixed_first_time", q["id"], "no"))
    if rules["fcr_no"] and fcr and not fcr["resolved"]:
        alerts.append(("fcr_no", fcr["question"], "no"))
    if rules["contact_requested"]:
        for q in questions:
            a = answers.get(q["id"])
            if q["input"]["type"] == "contact" and isinstance(a, dict) and "contact" in a and a["contact"]["consent"]:
                means = [k for k in ("phone", "email") if (a["contact"].get(k) or "").strip()]
                alerts.append(("contact_requested", q["id"], ", ".join(means) or "consent"))

    due = None
    if alerts:
        base, frac = submitted_at[:19], submitted_at[19:-1]
        t = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S") + timedelta(hours=rules["follow_up_hours"])
        due = t.strftime("%Y-%m-%dT%H:%M:%S") + frac + "Z"

    return dict(items=items, dims=dims, csi=csi, nps=nps, csat=csat, ces=ces, fcr=fcr,
                process=(len(process), sum(process), compliance), heart=heart, alerts=alerts, due=due)


def check_card(exp: dict, card: dict) -> list[str]:
    p: list[str] = []
    compare(p, "items", [i["id"] for i in exp["items"]], [i["question"] for i in card["items"]])
    for mine, theirs in zip(exp["items"], card["items"]):
        compare(p, f"{mine['id']}.value", mine["value"], theirs["value"])
        compare(p, f"{mine['id']}.rescaled", mine["rescaled"], theirs["rescaled"])
        if mine["kind"] != "yes_no" and mine["value"] is not None:
            compare(p, f"{mine['id']}.top_box", mine["value"] == mine["hi"], theirs["top_box"])
            compare(p, f"{mine['id']}.top_two_box", mine["value"] >= mine["hi"] - 1, theirs["top_two_box"])
    compare(p, "dimensions", DIMENSIONS, [d["dimension"] for d in card["dimensions"]])
    for d in card["dimensions"]:
        mine = exp["dims"][d["dimension"]]
        for k in ("items", "answered", "counted", "mean"):
            compare(p, f"{d['dimension']}.{k}", mine[k], d[k])
    compare(p, "csi", exp["csi"], card["csi"])
    for k in ("nps", "csat", "ces", "fcr"):
        mine, theirs = exp[k], card[k]
        if mine is None or theirs is None:
            compare(p, k, mine, theirs)
        else:
            for field, v in mine.items():
                compare(p, f"{k}.{field}", v, theirs.get(field))
    pr = card["process"]
    compare(p, "process.answered", exp["process"][0], pr["answered"])
    compare(p, "process.yes", exp["process"][1], pr["yes"])
    compare(p, "process.compliance", exp["process"][2], pr["compliance"])
    compare(p, "heart", HEART, [h["category"] for h in card["heart"]])
    for h in card["heart"]:
        mine = exp["heart"][h["category"]]
        compare(p, f"heart.{h['category']}.items", [q for q, _ in mine["items"]], [i["question"] for i in h["items"]])
        for (q, r), theirs in zip(mine["items"], h["items"]):
            compare(p, f"heart.{q}", r, theirs["rescaled"])
        compare(p, f"heart.{h['category']}.mean", mine["mean"], h["mean"])
    compare(p, "alerts", exp["alerts"], [(a["rule"], a["question"], a["detail"]) for a in card["alerts"]])
    compare(p, "follow_up_due", exp["due"], card["follow_up_due"])
    return p


# -------------------------------------------------------------------- aggregates

def adjusted_wald(promoters: int, passives: int, detractors: int, z: float):
    n = promoters + passives + detractors
    n1 = n + 3
    p = (promoters + 0.75) / n1
    d = (detractors + 0.75) / n1
    centre = p - d
    half = z * math.sqrt((p + d - centre ** 2) / n1)
    clip = lambda x: min(100.0, max(-100.0, 100 * x))  # noqa: E731
    return 100 * (promoters - detractors) / n, 100 * centre, clip(centre - half), clip(centre + half)


def mean(xs: list[float]):
    return sum(xs) / len(xs) if xs else None


def check_nps(one, pro: int, pas: int, det: int, s: dict, z: float) -> None:
    one("nps.counts", [pro, pas, det], [s["promoters"], s["passives"], s["detractors"]])
    plain, centre, low, high = adjusted_wald(pro, pas, det, z)
    one("nps.nps", plain, s["nps"])
    one("nps.adjusted", centre, s["adjusted"])
    one("nps.low", low, s["low"])
    one("nps.high", high, s["high"])


def check_summary(checks: Checks, name: str, expected: list[dict], summary: dict, z: float) -> None:
    def one(what: str, ours, theirs):
        p: list[str] = []
        compare(p, what, ours, theirs)
        checks.check(f"{name}/summary.{what}", p)

    one("n", len(expected), summary["n"])
    one("csi.mean", mean([e["csi"] for e in expected if e["csi"] is not None]), summary["csi"]["mean"])
    for d in summary["dimensions"]:
        ours = [e["dims"][d["dimension"]]["mean"] for e in expected if e["dims"][d["dimension"]]["mean"] is not None]
        one(f"{d['dimension']}.n", len(ours), d["n"])
        one(f"{d['dimension']}.mean", mean(ours), d["mean"])

    cats = [e["nps"]["category"] for e in expected if e["nps"]]
    pro, pas, det = (cats.count(c) for c in ("promoter", "passive", "detractor"))
    s = summary["nps"]
    if not cats or s is None:
        one("nps", None if not cats else len(cats), s)
        s = None
    if s is not None:
        check_nps(one, pro, pas, det, s, z)

    for key, outcomes in (
        ("csat", [e["csat"]["top_two_box"] for e in expected if e["csat"]]),
        ("fcr", [e["fcr"]["resolved"] for e in expected if e["fcr"]]),
    ):
        s = summary[key]
        k, n = sum(outcomes), len(outcomes)
        if n == 0 or s is None:
            one(key, None if n == 0 else n, s)
            continue
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        one(f"{key}.counts", [k, n], [s["successes"], s["n"]])
        one(f"{key}.share", k / n, s["share"])
        one(f"{key}.wilson_low", float(low), s["low"])
        one(f"{key}.wilson_high", float(high), s["high"])

    ces = [e["ces"] for e in expected if e["ces"]]
    if ces:
        one("ces.mean_value", mean([c["value"] for c in ces]), summary["ces"]["mean_value"])
        one("ces.mean_rescaled", mean([c["rescaled"] for c in ces]), summary["ces"]["mean_rescaled"])
    one("process_compliance", mean([e["process"][2] for e in expected if e["process"][2] is not None]),
        summary["process_compliance"]["mean"])
    for a in summary["alerts"]:
        per = [sum(1 for r, _, _ in e["alerts"] if r == a["rule"]) for e in expected]
        one(f"alerts.{a['rule']}", [sum(1 for k in per if k), sum(per)], [a["responses"], a["alerts"]])
    one("alerts.rules", RULES, [a["rule"] for a in summary["alerts"]])
    one("responses_with_alerts", sum(1 for e in expected if e["alerts"]), summary["responses_with_alerts"])


# -------------------------------------------------------------------------- main

def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    checks = Checks()

    # The domain's vectors, checked on this side too, and the z both sides use.
    def vec(name: str, got: str, want: str):
        checks.check(f"domain/{name}", [] if got == want else [f"{got} != {want}"])

    plain, centre, low, high = adjusted_wald(10, 6, 4, norm.ppf(0.975))
    vec("nps", f"{plain:.1f} {centre:.1f} {low:.1f}..{high:.1f}", "30.0 26.1 -5.7..57.9")
    lo, hi = proportion_confint(16, 20, alpha=0.05, method="wilson")
    vec("csat_wilson", f"{lo:.3f}..{hi:.3f}", "0.584..0.919")
    z = doc["z"]
    checks.check("domain/z", [] if abs(z - norm.ppf(0.975)) < 1e-15 else [f"z {z} vs {norm.ppf(0.975)}"])

    total = 0
    for s in doc["sets"]:
        name, definition, config = s["name"], s["definition"], s["config"]
        if name != "fixture":  # the built-in templates are scored with the defaults
            checks.check(f"{name}/default-config", [] if (
                {d: config["weights"][d] for d in DIMENSIONS} == DECK_WEIGHTS
                and config["min_answered_share"] == 0.5
                and config["alerts"]["follow_up_hours"] == 48
            ) else [f"not the deck's defaults: {config}"])
        expected = []
        for i, r in enumerate(s["responses"]):
            exp = expected_card(definition, config, r["answers"], r["submitted_at"])
            expected.append(exp)
            checks.check(f"{name}/response[{i}]", check_card(exp, r["card"]))
        total += len(expected)
        check_summary(checks, name, expected, s["summary"], z)
        if not any(e["alerts"] for e in expected) or all(e["csi"] is None for e in expected):
            checks.check(f"{name}/coverage", ["fixtures exercise no alert or no CSI"])

    print(f"{total} responses in {len(doc['sets'])} sets cross-checked (tolerance {TOL:g})")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
