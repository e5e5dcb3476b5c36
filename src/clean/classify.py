"""Classify free-text method-of-contact fields into platforms, with the reviewed keyword table.

The table is ``data/reference/contact_keywords.csv``: ``pattern`` (a regular expression, matched
anywhere in the text, ignoring case) -> ``platform``. The rule, also written in
``data/processed/README.md``:

* a record is counted once for **each** platform its text names (the request asked for
  instances, so a crime naming Snapchat and Instagram counts once for each);
* a text naming no platform (or empty) is ``unknown``: kept, but not part of the known total;
* a pattern that maps to ``unknown`` (e.g. "not recorded") only applies when no other platform
  is named.

The work is vectorised: one ``str.contains`` per pattern over the column of distinct texts
(never a Python loop over records), and the set of platforms of each text is kept as a bit
mask, turned into text once per distinct combination.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

UNKNOWN = "unknown"
SEPARATOR = ";"


def match_matrix(texts: pd.Series, keywords: pd.DataFrame) -> pd.DataFrame:
    """A boolean column per platform: does the text match any of that platform's patterns.

    Columns are the platforms of ``keywords`` in sorted order; the index is ``texts``'s.
    """
    texts = texts.fillna("").astype("str")
    matches: dict[str, np.ndarray] = {}
    for pattern, platform in zip(keywords["pattern"], keywords["platform"], strict=True):
        with warnings.catch_warnings():
            # groups in a pattern are only for alternation here; pandas warns about them
            warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
            hit = texts.str.contains(pattern, case=False, regex=True).to_numpy(dtype=bool)
        matches[platform] = matches[platform] | hit if platform in matches else hit
    return pd.DataFrame({p: matches[p] for p in sorted(matches)}, index=texts.index)


def resolve_unknown(matrix: pd.DataFrame) -> pd.DataFrame:
    """Platforms found per record, with ``unknown`` set exactly when no other platform is."""
    known = matrix.drop(columns=[UNKNOWN], errors="ignore")
    found = known.copy()
    found[UNKNOWN] = ~known.to_numpy().any(axis=1) if len(known.columns) else True
    return found[sorted(found.columns)]


def platform_sets(found: pd.DataFrame) -> pd.Series:
    """Each record's platforms as text, sorted and joined with ';' (e.g. 'instagram;snapchat')."""
    columns = list(found.columns)
    if not columns:
        return pd.Series([], dtype="str", index=found.index)
    bits = found.to_numpy(dtype=np.uint64) << np.arange(len(columns), dtype=np.uint64)
    codes = bits.sum(axis=1, dtype=np.uint64)
    names = {
        int(code): SEPARATOR.join(c for i, c in enumerate(columns) if int(code) >> i & 1)
        for code in np.unique(codes)
    }
    return pd.Series(pd.Categorical.from_codes(*_factor(codes, names)), index=found.index).astype(
        "str"
    )


def _factor(codes: np.ndarray, names: dict[int, str]):
    keys = sorted(names)
    position = np.searchsorted(np.asarray(keys, dtype=np.uint64), codes)
    return position, [names[k] for k in keys]


def classify(texts: pd.Series, keywords: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Classify ``texts``: (platforms as text per record, boolean platform matrix per record).

    Every record has at least one platform in the matrix (``unknown`` when none is named); the
    number of instances a record contributes is its number of platforms. Each distinct text is
    matched once (extracts repeat the same few phrasings), then spread back to every record.
    """
    codes, distinct = pd.factorize(texts.fillna("").astype("str"), sort=True)
    found = resolve_unknown(match_matrix(pd.Series(distinct, dtype="str"), keywords))
    names = platform_sets(found).to_numpy()
    matrix = pd.DataFrame(found.to_numpy()[codes], columns=found.columns, index=texts.index)
    return pd.Series(names[codes], index=texts.index, dtype="str"), matrix


class Classifier:
    """:func:`classify` over an extract read in batches, each distinct text matched once.

    The platforms found for every text seen so far are kept, so that a batch matches only the
    texts no earlier batch had (extracts repeat the same few phrasings).
    """

    def __init__(self, keywords: pd.DataFrame):
        self.keywords = keywords
        self.texts: dict[str, int] = {}  # text -> its row of self.found
        self.found = resolve_unknown(match_matrix(pd.Series([], dtype="str"), keywords))
        self.names = np.asarray([], dtype=object)

    def __call__(self, texts: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
        codes, distinct = pd.factorize(texts.fillna("").astype("str"), sort=False)
        new = [t for t in distinct if t not in self.texts]
        if new:
            found = resolve_unknown(match_matrix(pd.Series(new, dtype="str"), self.keywords))
            start = len(self.texts)
            self.texts.update((t, start + i) for i, t in enumerate(new))
            self.found = pd.concat([self.found, found], ignore_index=True).fillna(False)
            self.found = self.found[sorted(self.found.columns)].astype(bool)
            self.names = platform_sets(self.found).to_numpy()
        rows = np.asarray([self.texts[t] for t in distinct], dtype=np.int64)[codes]
        matrix = pd.DataFrame(
            self.found.to_numpy()[rows], columns=self.found.columns, index=texts.index
        )
        names = pd.array(list(self.names), dtype="str").take(rows)  # no object per record
        return pd.Series(names, index=texts.index), matrix
