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
COLUMNS = [
    "wave",
    "measure",
    "treatment",
    "draws",
    "mean_truth",
    "mean_error",
    "mean_abs_error",
    "coverage",
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


def measures(ledger: pd.DataFrame, start, end) -> dict[str, dict[str, object]]:
    """One draw's truth, point estimates and ranges of ``known`` and ``owner_share``."""
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
    known_conv = 0.0
    for key, rows in body.groupby(BLOCK, sort=False):
        if rows["has_total"].iloc[0]:
            others = rows["kind"].isin(["unknown", "excluded"])
            known_conv += float(totals[key]) - float(rows.loc[others, "conv"].sum())
        else:
            known_conv += float(rows.loc[rows["kind"] == "platform", "conv"].sum())
    owner_conv = float(
        body.loc[(body["kind"] == "platform") & body["key"].isin(OWNER), "conv"].sum()
    )
    points["convention"] = (known_conv, 100 * owner_conv / known_conv)
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
    return out


def summarise(wave: str, draws: Sequence[dict]) -> pd.DataFrame:
    """The study's table (COLUMNS) from each draw's :func:`measures`."""
    rows = []
    for measure in ("known", "owner_share"):
        truth = np.array([d[measure]["truth"] for d in draws])
        for name in ("minimum", "midpoint", "maximum", "convention"):
            error = np.array([d[measure]["points"][name] for d in draws]) - truth
            rows.append(
                [wave, measure, name, len(draws), truth.mean(), error.mean(), abs(error).mean(), ""]
            )
        for name in ("marker_range", "exact_range"):
            lo = np.array([d[measure]["ranges"][name][0] for d in draws])
            hi = np.array([d[measure]["ranges"][name][1] for d in draws])
            eps = 1e-9
            covered = ((lo - eps <= truth) & (truth <= hi + eps)).mean()
            rows.append(
                [wave, measure, name, len(draws), truth.mean(), (hi - lo).mean(), "", covered]
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("mean_truth", "mean_error", "mean_abs_error", "coverage"):
        table[column] = [round(v, 4) if isinstance(v, float) else v for v in table[column]]
    return table


def run_study(n: int, waves: Sequence[str]) -> dict[str, pd.DataFrame]:
    """``n`` seeded draws of each wave, summarised."""
    from simulation.generate import draw_ledger, load_wave

    out = {}
    for wave in waves:
        info = load_wave(wave)
        draws = [
            measures(draw_ledger(wave, STUDY_SEED + k), info.start, info.end) for k in range(n)
        ]
        out[wave] = summarise(wave, draws)
    return out


def study_csv(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
