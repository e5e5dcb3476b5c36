"""Classifying free-text method-of-contact fields into platforms (instances, not offences)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from fixtures import corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from src.clean.classify import classify, match_matrix
from src.data.reference import load_reference

FIXTURE = load_reference(corpus.HERE / "reference")
KEYWORDS = FIXTURE.contact_keywords
# a literal name per platform that its fixture pattern matches
NAMES = {
    "facebook_messenger": "Facebook",
    "instagram": "Instagram",
    "online_gaming": "Xbox",
    "snapchat": "Snapchat",
    "whatsapp": "WhatsApp",
}


def test_fixture_records_are_classified_as_the_corpus_says():
    texts = pd.Series([r[3] for r in corpus.LEICS_RECORDS])
    platforms, found = classify(texts, KEYWORDS)
    assert platforms.tolist() == [r[4] for r in corpus.LEICS_RECORDS]
    assert found.sum(axis=1).tolist() == [len(r[4].split(";")) for r in corpus.LEICS_RECORDS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("groomed on Snapchat then Instagram", "instagram;snapchat"),
        ("SNAPCHAT", "snapchat"),
        ("snap chat", "snapchat"),
        ("", "unknown"),
        ("in person", "unknown"),
        ("Not recorded", "unknown"),
        ("WhatsApp (platform otherwise not recorded)", "whatsapp"),
        ("instant message", "unknown"),
        ("Insta", "instagram"),
    ],
)
def test_one_text(text, expected):
    platforms, found = classify(pd.Series([text]), KEYWORDS)
    assert platforms.iloc[0] == expected
    assert found.iloc[0].sum() == len(expected.split(";"))


def test_missing_text_is_unknown():
    platforms, _ = classify(pd.Series(["Instagram", None, np.nan]), KEYWORDS)
    assert platforms.tolist() == ["instagram", "unknown", "unknown"]


def test_the_index_is_kept():
    texts = pd.Series(["Instagram", "WhatsApp"], index=[10, 3])
    platforms, found = classify(texts, KEYWORDS)
    assert platforms.index.tolist() == [10, 3]
    assert found.index.tolist() == [10, 3]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(sorted(NAMES)), max_size=4).map(lambda s: sorted(set(s))),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from([" and ", ", then ", " / ", "; "]),
)
def test_each_platform_named_counts_once_and_none_is_unknown(sets, joiner):
    texts = pd.Series([("met online" + joiner + joiner.join(NAMES[p] for p in s)) for s in sets])
    platforms, found = classify(texts, KEYWORDS)
    assert platforms.tolist() == [";".join(s) if s else "unknown" for s in sets]
    # instances: one per platform named, and one (unknown) for a record naming none
    assert int(found.to_numpy().sum()) == sum(max(len(s), 1) for s in sets)
    assert (found.sum(axis=1) >= 1).all()


def test_the_projects_keywords_on_examples():
    keywords = load_reference().contact_keywords
    platforms, _ = classify(
        pd.Series(
            [
                "Initial contact via Instagram, moved to WhatsApp",
                "Facebook Messenger",
                "the suspect sent a signal that he was leaving",
                "text messages",
                "nothing useful",
            ]
        ),
        keywords,
    )
    assert platforms.iloc[0] == "instagram;whatsapp"
    assert platforms.iloc[1] == "facebook_messenger"
    assert "signal" not in platforms.iloc[2].split(";")
    assert platforms.iloc[3] != "unknown"
    assert platforms.iloc[4] == "unknown"


def test_match_matrix_is_vectorised_over_many_records():
    texts = pd.Series(["Instagram and Snapchat", "WhatsApp", "", "FB"] * 50_000)
    start = time.perf_counter()
    matrix = match_matrix(texts, KEYWORDS)
    elapsed = time.perf_counter() - start
    assert matrix["instagram"].sum() == 50_000
    assert matrix["facebook_messenger"].sum() == 50_000
    assert elapsed < 10, f"200,000 texts took {elapsed:.1f} s"
