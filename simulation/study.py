"""A seeded simulation study: how far each treatment of the withheld cells lies from the truth,
and how often each range holds it.

``python -m simulation --study N`` draws, for each wave, ``N`` sets of true counts and the
cells their returns would print (seeds ``STUDY_SEED + k``, a stream of their own; the draws are
the generator's first stage, near the release, before the cell-level programme that makes the
committed corpus meet it exactly; no file is rendered), and writes
``data/raw/simulation-study/<wave>.csv`` (manifest content ``simulation study``): one row per
measure and treatment.

Measures (within the wave, both offence groups, every force with data): ``known``, the
instances with a known platform, and ``owner_share``, the share of them on the owner group's
apps (Instagram, Facebook or Messenger, WhatsApp), in per cent. The truth is the sum of the
true counts of the known-platform cells. Treatments:

- ``minimum``, ``midpoint``, ``maximum``: every withheld cell at the low end, middle or high
  end of its marker's range (the known count is the sum of the platform cells);
- ``convention``: the declared counting convention (a withheld cell at floor((lower + upper)
  / 2); the known count from the printed totals less unknown and excluded cells);
- ``marker_range``: the range the markers alone allow (low and high ends above; for the share,
  the owner group's cells at one end and the other platforms' at the other);
- ``exact_range``: the range the printed totals allow as well (each table's withheld cells add
  to its printed total less its printed cells): for the count, block by block, the platform
  cells' withheld sum in [max(their lowers, S - the others' uppers), min(their uppers, S - the
  others' lowers)]; for the share, two linear-fractional programmes (Charnes-Cooper, scipy's
  linprog).

Columns: ``wave``, ``measure``, ``treatment``, ``draws``, ``mean_truth``, ``mean_error``
(estimate - truth; for a range, the mean width instead), ``mean_abs_error`` (a range: empty),
``coverage`` (a range: the share of draws whose truth lies in it; a point: empty). The
simulated returns are simulated, so these figures describe the simulation's withheld cells,
which follow each force's marker rule; they are a check of the treatments, not a finding.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

OWNER = ("instagram", "facebook_messenger", "whatsapp")
BLOCK = ["force", "file", "period_start", "period_end", "offence_group"]
STUDY_SEED = 77_000
#: The size of the negative binomial each cell of the fitted table is drawn from (variance
#: mean + mean^2 / size): an assumption, not data.
STUDY_SPREAD = 25.0
#: Bootstrap resamples of each draw's interval.
STUDY_RESAMPLES = 500
POINTS = ("minimum", "midpoint", "maximum", "convention")
RANGES = ("marker_range", "exact_range")
INTERVALS = ("wilson_95", "bootstrap_95")
COLUMNS = [
    "wave",
    "measure",
    "treatment",
    "draws",
    "target",
    "mean_target",
    "sd_target",
    "mean_error",
    "bias_mc_error",
    "mean_abs_error",
    "mean_width",
    "coverage",
    "coverage_mc_error",
]


def _share_range(cells: pd.DataFrame) -> tuple[float, float]:
    """The owner group's share of known instances (per cent), lowest and highest, given the
    marker ranges and each block's printed total (Charnes-Cooper: y = t x, t > 0)."""
    from scipy.optimize import linprog

    held = cells[cells["withheld"]].reset_index(drop=True)
    shown = cells[~cells["withheld"] & (cells["kind"] == "platform")]
    owner0 = float(shown.loc[shown["key"].isin(OWNER), "true"].sum())
    known0 = float(shown["true"].sum())
    platform = (held["kind"] == "platform").to_numpy(float)
    owner = (held["kind"].eq("platform") & held["key"].isin(OWNER)).to_numpy(float)
    n = len(held)
    # Variables: y (n), t. Objective: owner y + owner0 t. Normalise: platform y + known0 t = 1.
    a_eq, b_eq = [np.append(platform, known0)], [1.0]
    for _, rows in held.groupby(BLOCK, sort=False):
        if not rows["has_total"].iloc[0]:
            continue
        row = np.zeros(n + 1)
        row[rows.index] = 1
        row[n] = -float(rows["block_sum"].iloc[0])
        a_eq.append(row)
        b_eq.append(0.0)
    eye = np.eye(n)
    lower, upper = held["lower"].to_numpy(float), held["upper"].to_numpy(float)
    a_ub = np.vstack([np.hstack([-eye, lower[:, None]]), np.hstack([eye, -upper[:, None]])])
    b_ub = np.zeros(2 * n)
    out = []
    for sign in (1, -1):
        result = linprog(
            -sign * np.append(owner, owner0),
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=np.vstack(a_eq),
            b_eq=b_eq,
            bounds=[(0, None)] * (n + 1),
            method="highs",
        )
        out.append(100 * sign * -result.fun if result.status == 0 else math.nan)
    return out[1], out[0]


def intervals(owner: np.ndarray, known: np.ndarray, seed: int) -> dict[str, tuple[float, float]]:
    """The owner group's share's 95% intervals (per cent) from each force's owner-group and
    known counts: the pooled Wilson interval and the cluster bootstrap over forces."""
    from src.findings.intervals import cluster_bootstrap, wilson_interval

    wilson = wilson_interval(float(owner.sum()), float(known.sum()))
    boot = cluster_bootstrap(owner, known, seed, STUDY_RESAMPLES, replications=0)
    return {
        "wilson_95": (100 * wilson[0], 100 * wilson[1]),
        "bootstrap_95": (100 * boot.low, 100 * boot.high),
    }


def measures(ledger: pd.DataFrame, start, end, seed: int = STUDY_SEED) -> dict[str, dict]:
    """One draw's truth, point estimates and ranges of ``known`` and ``owner_share``, and the
    share's intervals from each force's counts under the convention (bootstrap seeded ``seed``)."""
    cells = ledger[(ledger["period_start"] >= start) & (ledger["period_end"] <= end)].copy()
    cells["withheld"] = cells["lower"] != cells["upper"]
    totals = cells[cells["kind"] == "total"].set_index(BLOCK)["true"]
    body = cells[cells["kind"] != "total"].copy()
    keys = body.set_index(BLOCK).index
    body["has_total"] = keys.isin(totals.index)
    printed = body.loc[~body["withheld"]].groupby(BLOCK)["true"].sum()
    body["block_sum"] = totals.reindex(keys).to_numpy() - printed.reindex(keys).fillna(0).to_numpy()
    platform = body[body["kind"] == "platform"]
    owner = platform["key"].isin(OWNER)
    conv = np.where(body["withheld"], (body["lower"] + body["upper"]) // 2, body["true"])
    body["conv"] = conv
    points: dict[str, tuple[float, float]] = {}
    for name, column in (("minimum", "lower"), ("maximum", "upper")):
        known = float(platform[column].sum())
        points[name] = (known, 100 * platform.loc[owner, column].sum() / known)
    mid = (platform["lower"] + platform["upper"]) / 2
    points["midpoint"] = (float(mid.sum()), 100 * mid[owner].sum() / mid.sum())
    # The convention: printed totals less unknown and excluded cells; loose blocks' platforms.
    known_by: dict[str, float] = {}
    for key, rows in body.groupby(BLOCK, sort=True):
        if rows["has_total"].iloc[0]:
            others = rows["kind"].isin(["unknown", "excluded"])
            known = float(totals[key]) - float(rows.loc[others, "conv"].sum())
        else:
            known = float(rows.loc[rows["kind"] == "platform", "conv"].sum())
        known_by[key[0]] = known_by.get(key[0], 0.0) + known
    forces = sorted(known_by)
    owner_by = body[(body["kind"] == "platform") & body["key"].isin(OWNER)].groupby("force")
    owner_f = owner_by["conv"].sum().reindex(forces, fill_value=0).to_numpy(float)
    known_f = np.array([known_by[f] for f in forces])
    points["convention"] = (known_f.sum(), 100 * owner_f.sum() / known_f.sum())
    truth_known = float(platform["true"].sum())
    truth_share = 100 * platform.loc[owner, "true"].sum() / truth_known
    # Ranges. The share's marker-only range: the owner group's cells low, the others' high.
    lo_owner, hi_owner = platform.loc[owner, "lower"].sum(), platform.loc[owner, "upper"].sum()
    lo_other, hi_other = platform.loc[~owner, "lower"].sum(), platform.loc[~owner, "upper"].sum()
    marker = {
        "known": (points["minimum"][0], points["maximum"][0]),
        "owner_share": (
            100 * lo_owner / (lo_owner + hi_other),
            100 * hi_owner / (hi_owner + lo_other),
        ),
    }
    exact_lo = exact_hi = 0.0
    for _, rows in body.groupby(BLOCK, sort=False):
        plat = rows["kind"] == "platform"
        shown = float(rows.loc[plat & ~rows["withheld"], "true"].sum())
        w_p, w_o = rows[plat & rows["withheld"]], rows[~plat & rows["withheld"]]
        lo, hi = float(w_p["lower"].sum()), float(w_p["upper"].sum())
        if rows["has_total"].iloc[0]:
            s = float(rows["block_sum"].iloc[0])
            lo, hi = max(lo, s - w_o["upper"].sum()), min(hi, s - w_o["lower"].sum())
        exact_lo, exact_hi = exact_lo + shown + lo, exact_hi + shown + hi
    exact = {"known": (exact_lo, exact_hi), "owner_share": _share_range(body)}
    out: dict[str, dict[str, object]] = {}
    for k, measure in enumerate(("known", "owner_share")):
        out[measure] = {
            "truth": (truth_known, truth_share)[k],
            "points": {name: value[k] for name, value in points.items()},
            "ranges": {"marker_range": marker[measure], "exact_range": exact[measure]},
        }
    out["owner_share"]["intervals"] = intervals(owner_f, known_f, seed)
    return out


def _row(wave: str, measure: str, name: str, n: int, target: str, truth, **values) -> dict:
    return {
        "wave": wave,
        "measure": measure,
        "treatment": name,
        "draws": n,
        "target": target,
        "mean_target": float(np.mean(truth)),
        "sd_target": float(np.std(truth, ddof=1)) if n > 1 else math.nan,
        **values,
    }


def point_row(wave, measure, name, estimate, truth) -> dict:
    """A point treatment's bias (mean error), its Monte Carlo error and mean absolute error."""
    error = np.asarray(estimate, float) - np.asarray(truth, float)
    n = len(error)
    sd = float(error.std(ddof=1)) if n > 1 else math.nan
    return _row(
        wave,
        measure,
        name,
        n,
        "realised truth",
        truth,
        mean_error=float(error.mean()),
        bias_mc_error=sd / math.sqrt(n),
        mean_abs_error=float(abs(error).mean()),
    )


def cover_row(wave, measure, name, bounds, truth, target: str) -> dict:
    """A range's or an interval's mean width, coverage of ``truth`` (one value a draw) and its
    Monte Carlo error sqrt(c (1 - c) / N)."""
    lo, hi = np.asarray(bounds, float).T
    truth = np.asarray(truth, float)
    eps = 1e-9
    covered = float(((lo - eps <= truth) & (truth <= hi + eps)).mean())
    return _row(
        wave,
        measure,
        name,
        len(truth),
        target,
        truth,
        mean_width=float((hi - lo).mean()),
        coverage=covered,
        coverage_mc_error=math.sqrt(covered * (1 - covered) / len(truth)),
    )


def summarise(wave: str, draws: Sequence[dict], expected: dict[str, float]) -> pd.DataFrame:
    """The study's table (COLUMNS) from each draw's :func:`measures`; ``expected`` is each
    measure's expected value, which its intervals are measured against."""
    rows = []
    for measure in ("known", "owner_share"):
        truth = [d[measure]["truth"] for d in draws]
        for name in POINTS:
            estimate = [d[measure]["points"][name] for d in draws]
            rows.append(point_row(wave, measure, name, estimate, truth))
        for name in RANGES:
            bounds = [d[measure]["ranges"][name] for d in draws]
            rows.append(cover_row(wave, measure, name, bounds, truth, "realised truth"))
        for name in INTERVALS if "intervals" in draws[0][measure] else ():
            bounds = [d[measure]["intervals"][name] for d in draws]
            target = [expected[measure]] * len(draws)
            rows.append(cover_row(wave, measure, name, bounds, target, "expected share"))
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in COLUMNS[5:]:
        table[column] = [round(v, 4) if math.isfinite(v) else "" for v in table[column]]
    return table


def expected_share(wave: str) -> float:
    """The owner group's share (per cent) the simulation expects: the release's national
    owner-group count over its known count, which every draw's fitted table meets."""
    from simulation.generate import RAW, load_wave
    from simulation.targets import NATIONAL_GROUPS, read_targets

    national = read_targets(RAW / "published" / load_wave(wave).config.release_file).national
    return 100 * sum(national[g] for g in NATIONAL_GROUPS[:3]) / sum(national.values())


def run_study(
    n: int, waves: Sequence[str], spread: float = STUDY_SPREAD
) -> dict[str, pd.DataFrame]:
    """``n`` seeded draws of each wave, each with its own truth, summarised."""
    from simulation.generate import draw_ledger, load_wave

    out = {}
    for wave in waves:
        info = load_wave(wave)
        draws = [
            measures(draw_ledger(wave, seed, spread=spread), info.start, info.end, seed)
            for seed in range(STUDY_SEED, STUDY_SEED + n)
        ]
        out[wave] = summarise(wave, draws, {"owner_share": expected_share(wave)})
    return out


def study_csv(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
