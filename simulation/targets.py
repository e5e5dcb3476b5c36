"""What the simulated returns of a wave must reproduce: the targets in its release's figures.

:func:`read_targets` reads a figures file (``data/raw/published/release_*.csv``) by its
columns, never by its values or figure ids:

- a row with a ``compares_with`` wave states something across two waves: it is no target of
  either wave's returns;
- an exact count (``unit`` count, ``comparison`` exact) is drawn to: nationally the named
  platforms and "other" (or the known total, when the release printed shares instead); in a
  region its known total and any platform counts; for a force its known total and any
  platform counts (a force may give only its total);
- a region's owner-group share (rounded) fixes the region's owner-group count (the count
  nearest it); a force's owner-group share "more than" N% is a lower bound on its count;
- a national percentage is not drawn to: the national counts fix it, and the corpus check
  holds the written returns to it;
- the number of forces with data (a count with no platform group, flag V) is the wave's;
- other comparisons of counts ("more than 9,360", "just over 4,000") and per-day rates are
  statements the findings judge, not targets.

A figure of a kind the generator cannot draw to is an :class:`~src.errors.InputError` naming
it (:func:`read_targets`), and so is one it cannot meet with the wave's answering forces
(:func:`check_targets`), rather than a failure deep in the draw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from src.errors import InputError, shown

OTHER = "other"
NATIONAL_GROUPS = ("instagram", "facebook_messenger", "whatsapp", OTHER)
NAMED = NATIONAL_GROUPS[:3]
ALL_KNOWN = "all_known"
OWNED = "facebook_owned"
# The platform groups a count may name, as columns of the fitted table (NATIONAL_GROUPS).
GROUP_COLUMNS = {
    "instagram": (0,),
    "facebook_messenger": (1,),
    "whatsapp": (2,),
    OTHER: (3,),
    "facebook_column": (1, 2),  # a news story's 'Facebook' column: Messenger and WhatsApp
    OWNED: (0, 1, 2),
}
# How each group reads the true counts' platforms (OTHER: every known platform but the named).
GROUP_PLATFORMS: dict[str, object] = {
    "instagram": {"instagram"},
    "facebook_messenger": {"facebook_messenger"},
    "whatsapp": {"whatsapp"},
    OTHER: OTHER,
    "facebook_column": {"facebook_messenger", "whatsapp"},
    OWNED: set(NAMED),
}
REGION_GROUPS = ("instagram", "facebook_messenger", "whatsapp", "facebook_column", OWNED)
FORCE_GROUPS = ("instagram", "facebook_messenger", "whatsapp", "facebook_column", OWNED)
SHARE_MARGIN = 0.1  # a "more than N%" count is drawn at least this many points above N


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass(frozen=True)
class Targets:
    """What the true counts must reproduce, as read from the published figures."""

    national: dict[str, int]  # instagram, facebook_messenger, whatsapp, other
    region_known: dict[str, int]  # release region -> instances with a known platform
    region_share: dict[str, float]  # release region -> published owner-group share, %
    forces_with_data: int
    force_known: dict[str, int] = field(default_factory=dict)  # force -> known total
    # force -> platform group (instagram, facebook_column, ...) -> published count
    force_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # force -> the owner-group share its count must exceed ("more than half": 50), %
    force_share_above: dict[str, float] = field(default_factory=dict)
    # release region -> platform group -> published count
    region_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # the published known total nationally, where it differs from the sum of the parts: the
    # written returns must bracket it (their withheld cells allow it), not reproduce it
    national_stated: int | None = None
    # (geography, area, group) -> the figure's id, to name it in an error
    figures: dict[tuple[str, str, str], str] = field(default_factory=dict)

    @property
    def national_known(self) -> int:
        """The sum of the published per-platform counts (not the published total)."""
        return sum(self.national.values())

    @property
    def region_platform(self) -> dict[str, dict[str, int]]:
        """Regions whose three named platforms are all published: region -> platform -> count."""
        return {
            r: {g: by[g] for g in NAMED}
            for r, by in sorted(self.region_counts.items())
            if all(g in by for g in NAMED)
        }

    def force_fb(self, force: str) -> int | None:
        """The force's owner-group count if its published counts fix it, else None."""
        by = self.force_counts.get(force, {})
        return _owned_of(by)

    def region_fb_owned(self, region: str) -> int | None:
        """The region's owner-group count: the sum of its published platform counts, its
        published owner-group count, or else the count whose share is nearest the published
        share (None: the release gives none of these)."""
        owned = _owned_of(self.region_counts.get(region, {}))
        if owned is not None:
            return owned
        if region in self.region_share:
            return int(round(self.region_share[region] / 100 * self.region_known[region]))
        return None

    def figure(self, geography: str, area: str, group: str) -> str:
        return self.figures.get((geography, area, group), f"{geography} {area} {group}")

    def scaled(self, factor: float, region_of: Mapping[str, str]) -> Targets:
        """The same shape of targets scaled by ``factor`` (for benchmark waves): a region's
        total or count that its forces' published rows add up to still adds up."""

        def s(v: int) -> int:
            return int(round(v * factor))

        known = {f: s(v) for f, v in self.force_known.items()}
        counts = {}
        for force, by in self.force_counts.items():
            left, scaled_by = known.get(force, math.inf), {}
            for g in sorted(by):
                scaled_by[g] = int(min(s(by[g]), left))
                left -= scaled_by[g]
            counts[force] = scaled_by

        def region_value(region: str, value: int, old: dict, new: dict) -> int:
            members = [f for f in old if region_of.get(f) == region]
            if members and value == sum(old[f] for f in members):
                return sum(new[f] for f in members)
            return max(s(value), sum(new[f] for f in members))

        regions = {
            r: region_value(r, v, self.force_known, known) for r, v in self.region_known.items()
        }
        region_counts = {}
        for region, by in self.region_counts.items():
            region_counts[region] = {}
            for g, v in by.items():
                old = {f: c[g] for f, c in self.force_counts.items() if g in c}
                new = {f: counts[f][g] for f in old}
                region_counts[region][g] = region_value(region, v, old, new)
        return replace(
            self,
            national={k: s(v) for k, v in self.national.items()},
            region_known=regions,
            region_counts=region_counts,
            force_known=known,
            force_counts=counts,
            national_stated=None,
        )


def _owned_of(by: Mapping[str, int]) -> int | None:
    """The owner-group count that platform-group counts fix, if they do."""
    if OWNED in by:
        return by[OWNED]
    if "instagram" in by and "facebook_column" in by:
        return by["instagram"] + by["facebook_column"]
    if all(g in by for g in NAMED):
        return sum(by[g] for g in NAMED)
    return None


def _national_counts(pub: pd.DataFrame, counts: pd.DataFrame) -> dict[str, int]:
    """The national count of each of NATIONAL_GROUPS: as published; else (a release that
    printed only shares) the count nearest the published share of the published known total;
    "other" is what the named platforms leave of that total when it is not published itself."""
    national = counts[counts["geography"] == "national"]
    by = dict(zip(national["platform_group"], national["value"].astype(int), strict=True))
    nat = {g: by[g] for g in NATIONAL_GROUPS if g in by}
    if len(nat) == len(NATIONAL_GROUPS):
        return nat
    known = by[ALL_KNOWN]
    shares = pub[
        (pub["geography"] == "national")
        & (pub["unit"] == "percent")
        & (pub["denominator"] == ALL_KNOWN)
        & (pub["comparison"] == "rounded")
    ]
    share = dict(zip(shares["platform_group"], shares["value"].astype(float), strict=True))
    for g in NAMED:
        nat.setdefault(g, int(round(share[g] / 100 * known)))
    nat.setdefault(OTHER, known - sum(nat[g] for g in NAMED))
    return {g: nat[g] for g in NATIONAL_GROUPS}


def read_targets(published_csv: Path | str) -> Targets:
    """The targets in a release's figures file (``release_2021_03.csv``,
    ``release_2019_12.csv``), selected by their columns (not their values); see the module
    docstring. A figure the generator cannot draw to is an InputError naming it."""
    path = Path(published_csv)
    pub = _read(path)
    if "compares_with" in pub.columns:  # a statement across two waves: no target of either
        pub = pub[pub["compares_with"] == ""]

    def refuse(figure_id: str, why: str) -> InputError:
        return InputError(
            shown(path),
            f"figure {figure_id}",
            f"the simulation cannot draw returns to this figure: {why}",
            "Teach simulation/targets.py (read_targets) this kind of figure, or give the row a "
            "`compares_with` wave if it compares two waves.",
        )

    figures: dict[tuple[str, str, str], str] = {}
    region_known: dict[str, int] = {}
    region_share: dict[str, float] = {}
    region_counts: dict[str, dict[str, int]] = {}
    force_known: dict[str, int] = {}
    force_counts: dict[str, dict[str, int]] = {}
    force_share: dict[str, float] = {}
    national_groups: set[str] = set()
    n_forces: list[int] = []
    for r in pub.itertuples(index=False):
        key = (r.geography, r.area, r.platform_group)
        if r.unit == "count" and r.platform_group == "":  # a count of forces
            if r.comparison == "exact" and r.flag == "V" and r.geography == "national":
                n_forces.append(int(r.value))
            continue
        if r.unit == "count" and r.comparison == "exact":
            value = int(r.value)
            if r.geography == "national":
                if r.platform_group not in (*NATIONAL_GROUPS, ALL_KNOWN):
                    raise refuse(r.figure_id, f"a national count of '{r.platform_group}'")
                national_groups.add(r.platform_group)
            elif r.geography == "region":
                if r.platform_group == ALL_KNOWN:
                    region_known[r.area] = value
                elif r.platform_group in REGION_GROUPS:
                    region_counts.setdefault(r.area, {})[r.platform_group] = value
                else:
                    raise refuse(r.figure_id, f"a regional count of '{r.platform_group}'")
            elif r.geography == "force":
                if r.platform_group == ALL_KNOWN:
                    force_known[r.area] = value
                elif r.platform_group in FORCE_GROUPS:
                    force_counts.setdefault(r.area, {})[r.platform_group] = value
                else:
                    raise refuse(r.figure_id, f"a force's count of '{r.platform_group}'")
            else:
                raise refuse(r.figure_id, f"a count for the geography '{r.geography}'")
            figures[key] = r.figure_id
        elif r.unit == "percent" and r.geography in ("region", "force"):
            if (r.platform_group, r.denominator) != (OWNED, ALL_KNOWN):
                raise refuse(r.figure_id, f"a {r.geography}'s share of '{r.platform_group}'")
            if r.geography == "region" and r.comparison == "rounded":
                region_share[r.area] = float(r.value)
            elif r.geography == "force" and r.comparison == "more_than":
                force_share[r.area] = float(r.value)
            else:
                raise refuse(r.figure_id, f"a {r.geography}'s share compared as '{r.comparison}'")
            figures[key] = r.figure_id
        elif r.unit not in ("count", "percent", "per_day"):
            raise refuse(r.figure_id, f"the unit '{r.unit}' (without a `compares_with` wave)")
    if len(n_forces) != 1:
        raise InputError(
            shown(path),
            "the forces with data",
            f"{len(n_forces)} confirmed (V) national counts of forces with data, not one",
            "Flag one count of police forces that provided data V, any other U.",
        )
    for region in region_share:
        if region not in region_known:
            raise refuse(
                figures[("region", region, OWNED)], "a regional share without the region's total"
            )
    if not set(NATIONAL_GROUPS) <= national_groups and ALL_KNOWN not in national_groups:
        raise InputError(
            shown(path),
            "the national counts",
            "neither every named platform's and 'other' count nor the known total is published",
            "Add the national known total (an exact count of all_known), or each platform's.",
        )
    counts = pub[(pub["unit"] == "count") & (pub["comparison"] == "exact")]
    national = _national_counts(pub, counts)
    stated = None
    if ALL_KNOWN in national_groups and set(NATIONAL_GROUPS) <= national_groups:
        at = (counts["geography"] == "national") & (counts["platform_group"] == ALL_KNOWN)
        total = int(counts.loc[at, "value"].iloc[0])
        stated = total if total != sum(national.values()) else None
    return Targets(
        national=national,
        region_known=region_known,
        region_share=region_share,
        forces_with_data=n_forces[0],
        force_known=dict(sorted(force_known.items())),
        force_counts={f: force_counts[f] for f in sorted(force_counts)},
        force_share_above=dict(sorted(force_share.items())),
        region_counts={r: region_counts[r] for r in sorted(region_counts)},
        national_stated=stated,
        figures=figures,
    )


def region_fb_targets(
    targets: Targets, region_of: Mapping[str, str], answering: Sequence[str]
) -> dict[str, tuple[int, bool]]:
    """Each region's owner-group count, and whether published force rows fix it, for every
    region that has one.

    A region whose answering forces all have published rows that fix their owner-group count
    (the South West) gets the sum of them; any other region its published platform counts'
    sum, its published owner-group count, or the count nearest its published share. A region
    with a known total only (Yorkshire) has none.
    """
    out = {}
    for region in sorted(targets.region_known):
        members = [f for f in answering if region_of[f] == region]
        fixed = [targets.force_fb(f) for f in members]
        if members and all(v is not None for v in fixed):
            out[region] = (sum(v for v in fixed if v is not None), True)
        elif (count := targets.region_fb_owned(region)) is not None:
            out[region] = (count, False)
    return out


def share_floor(share: float, known: int) -> int:
    """The least count whose share of ``known`` is at least SHARE_MARGIN points over
    ``share`` (a published "more than share%")."""
    return math.ceil((share + SHARE_MARGIN) / 100 * known - 1e-9)


def check_targets(
    targets: Targets,
    region_of: Mapping[str, str],
    answering: Iterable[str],
    source: str,
    wave: str,
) -> None:
    """Raise an InputError naming the figure that the wave's answering forces cannot meet:
    a force's figure when the force sent no data, counts that exceed their total, a region
    whose forces' published totals exceed (or, with no other force, differ from) its total,
    or regional counts the generator cannot draw to."""
    answering = list(answering)

    def stop(figure: str, problem: str) -> InputError:
        return InputError(
            source,
            f"figure {figure}",
            f"the simulated returns of wave {wave} cannot meet it: {problem}",
            "Correct the figure, or change which forces answer the wave "
            "(simulation/waves.py) or how the generator draws them.",
        )

    forces = set(targets.force_known) | set(targets.force_counts) | set(targets.force_share_above)
    for force in sorted(forces):
        ids = [
            v for (geo, area, _), v in targets.figures.items() if (geo, area) == ("force", force)
        ]
        figure = sorted(ids)[0] if ids else force
        if force not in region_of:
            raise stop(figure, f"'{force}' is not a force of data/reference/forces.csv")
        if force not in answering:
            raise stop(figure, f"{force} sent no data in this wave")
        by = targets.force_counts.get(force, {})
        if OWNED in by and len(by) > 1:
            raise stop(figure, "a force's owner-group count beside its platforms' counts")
        if force in targets.force_share_above and force not in targets.force_known:
            raise stop(targets.figure("force", force, OWNED), "a share without the force's total")
        known = targets.force_known.get(force)
        if known is not None and sum(by.values()) > known:
            raise stop(figure, f"its platform counts add to more than its total, {known}")
        fb, share = targets.force_fb(force), targets.force_share_above.get(force)
        if share is not None and known is not None:
            floor = share_floor(share, known)
            if (fb is not None and fb < floor) or floor > known:
                raise stop(targets.figure("force", force, OWNED), f"more than {share}% is not met")
    outside = 0
    for force, known in targets.force_known.items():
        if region_of[force] not in targets.region_known:
            outside += known
    for region, total in sorted(targets.region_known.items()):
        figure = targets.figure("region", region, ALL_KNOWN)
        members = [f for f in answering if region_of[f] == region]
        if not members:
            raise stop(figure, f"no force of {region} sent data")
        fixed = sum(targets.force_known.get(f, 0) for f in members)
        free = [f for f in members if f not in targets.force_known]
        if fixed > total or (not free and fixed != total):
            raise stop(figure, f"its forces' published totals add to {fixed}, not {total}")
        by = targets.region_counts.get(region, {})
        fb_fixed = all(targets.force_fb(f) is not None for f in members)
        for group, value in sorted(by.items()):
            figure = targets.figure("region", region, group)
            from_forces = [targets.force_counts.get(f, {}).get(group) for f in members]
            if all(v is not None for v in from_forces):
                if sum(from_forces) != value:
                    raise stop(figure, f"its forces' published counts add to {sum(from_forces)}")
            elif group in NAMED and region in targets.region_platform:
                continue
            elif group == OWNED and not fb_fixed:
                named = targets.region_platform.get(region)
                if named is not None and sum(named.values()) != value:
                    raise stop(
                        figure, f"its platforms' published counts add to {sum(named.values())}"
                    )
            else:
                raise stop(figure, "a regional count the generator does not draw to")
    remainder = targets.national_known - sum(targets.region_known.values()) - outside
    if remainder < 0:
        raise stop(
            targets.figure("national", "", ALL_KNOWN),
            f"the regions' totals add to more than the national {targets.national_known}",
        )
