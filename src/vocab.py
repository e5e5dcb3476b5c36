"""The words of the house, each defined once.

Every step and the report use these names for the same things: what a force's answer can be,
which questions it answered, what the cleaning did, the offence groups, the platform groups of
the findings, and how many decimal places each kind of number is shown with. Nothing here reads
a file or imports anything of ours (this module is part of the ground, like ``helpers`` and
``errors``).
"""

from __future__ import annotations

# --- Forces' answers -------------------------------------------------------------------------

#: What a force's answer to a request can be (``outcomes.csv``, ``coverage.csv``), with the
#: label a reader sees in a table. ``no_response`` is for a force that did not answer at all;
#: ``not_provided`` for figures a release says were "not provided" without saying why (it claims
#: no more than the source says: not a refusal, not silence).
OUTCOME_LABELS = {
    "data": "Sent platform counts",
    "partial": "Answered part of the request",
    "refused_cost_s12": "Refused on cost (FOI Act section 12)",
    "no_platform_flag": "Records cannot be searched by platform",
    "no_response": "No response",
    "refused_other": "Refused under another exemption",
    "not_provided": "Not provided (no reason given)",
}
#: The outcomes, in the order tables list them.
OUTCOMES = list(OUTCOME_LABELS)
#: The same outcomes as the clause of a sentence ("3 forces ...").
OUTCOME_CLAUSES = {
    "data": "sent platform counts",
    "partial": "answered part of the request",
    "refused_cost_s12": "refused on cost (FOI Act section 12)",
    "no_platform_flag": "said their records cannot be searched by platform",
    "no_response": "did not respond",
    "refused_other": "refused under another exemption",
    "not_provided": "did not provide figures, with no reason given",
}
#: The outcomes whose returns hold counts.
OUTCOMES_WITH_DATA = ("data", "partial")

#: Where a file or a return came from: as received from a force (or transcribed from what a
#: news report printed of it), or made by the simulation.
PROVENANCES = ("real", "simulated")
#: A file's provenance in the manifest: one of :data:`PROVENANCES`, or ``mixed`` for a file
#: whose rows each say their own (a wave's outcomes.csv once some forces' answers are real).
FILE_PROVENANCES = (*PROVENANCES, "mixed")

#: Which of the request's questions a force answered, with the label a reader sees.
QUESTION_LABELS = {
    "both": "Both questions",
    "q1": "Q1 only (online sexual offences)",
    "q2": "Q2 only (indecent images)",
    "none": "Neither",
}
QUESTIONS_ANSWERED = list(QUESTION_LABELS)

# --- Cleaning --------------------------------------------------------------------------------

#: Every action the cleaning log records, with the label a reader sees.
ACTION_LABELS = {
    "map_label": "Label read as a platform",
    "withheld_cell": "Withheld small count read as a range",
    "exclude_total_row": "Total row left out (reconciled against)",
    "exclude_label": "Row left out: not an online platform or not asked for",
    "exclude_outside_wave": "Period outside the year asked about",
    "exclude_duplicate_record": "Duplicate record left out",
    "classify_records": "Records classified by their free text",
    "not_itemised": "Part of a printed total the return does not itemise by platform",
}
#: Why a row of a return is set aside (the reasons the reconciliation states).
OUTSIDE_WAVE = "outside the wave period"
TOTAL_ROW = "total row"
DUPLICATE_RECORD = "duplicate record"
#: The platform of what a partial return's printed total counts beyond the rows it itemises
#: (platforms.csv kind ``not_itemised``): known, but on no platform we can name.
NOT_ITEMISED = "not_itemised"

# --- Offences and platforms ------------------------------------------------------------------

#: The platform groups of the findings, in the order tables show them (their kinds and names
#: are data: data/reference/groups.csv, owners.csv and platforms.csv). ``all_known`` is every
#: instance with a known platform; ``other`` is the known instances outside the owner group;
#: ``facebook_column`` is a column one source printed; ``unknown`` has no platform recorded.
PLATFORM_GROUPS = (
    "all_known",
    "facebook_owned",
    "instagram",
    "facebook_messenger",
    "whatsapp",
    "other",
    "facebook_column",
    "unknown",
)

#: Each platform group's name as a reader sees it, for the code that has no names of its own
#: to hand. Empty until a build names the groups from the reference data (it calls
#: :func:`set_group_names` with the names as on its owner date); the steps pass names
#: explicitly everywhere else.
GROUP_NAMES: dict[str, str] = {}


def set_group_names(names: dict[str, str]) -> None:
    """Name the platform groups for this run (see :data:`GROUP_NAMES`)."""
    GROUP_NAMES.clear()
    GROUP_NAMES.update(names)


def capitalised(name: str) -> str:
    """A name as a chart label or table heading: its first letter capitalised."""
    return name[:1].upper() + name[1:]


def listing(items: list[str]) -> str:
    """Items as a sentence lists them: ``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


# --- Numbers ---------------------------------------------------------------------------------

#: Decimal places shown for each kind of number in the published tables.
PERCENT_PLACES = 1
COUNT_PLACES = 1
#: Leave-one-out shares are computed from the returns' counts before disclosure control (at
#: the best estimates of the withheld cells), and shown to one decimal place.
LOO_PLACES = 1
#: The confidence level of every interval the findings compute.
CONFIDENCE = 0.95

# --- Verdicts on a published figure (each defined in data/reference/verdicts.csv) ----------

#: The verdict on a figure computed from returns of which any is simulated: the simulated
#: returns were drawn to agree with the release, so the comparison checks the method, and says
#: nothing of the release (what its own figures say of it still does).
METHOD_CHECK = "a check of the method, on simulated returns"
OWN_DISAGREE = "the release's own figures disagree"


#: The graded verdicts on a figure computed from real returns, best first; each is defined in
#: ``data/reference/verdicts.csv``.
HOLDS, AS_ROUNDED, IN_PART, DOES_NOT_HOLD = (
    "holds",
    "holds only as rounded",
    "holds in part",
    "does not hold",
)
JUDGED = (HOLDS, AS_ROUNDED, IN_PART, DOES_NOT_HOLD)
NOT_COMPARABLE = "not comparable"
