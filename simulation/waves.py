"""What differs between the simulated waves: who answered and how, when, and what they quote.

One :class:`WaveConfig` per wave of the repository (``CONFIGS``). Everything else (how each
force writes its return, the platform mix, the withheld-cell conventions) is the generator's
(:mod:`simulation.generate`) and the same for every wave. Each wave has its own seed, so that
drawing one wave never shifts the random streams of another.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

_REFUSED_S40 = (
    "Refused under s.40(2): the force said the numbers are so small that people could be "
    "identified."
)
_NO_FLAG = "The records system has no field for the platform used, so the information is not held."
_NO_REPLY = "No response received."

# Forces that sent no data in the 2019/20 wave: outcome, letter format (None: nothing
# received), and the reason.
NO_DATA_2019_20 = {
    "city-of-london": ("refused_other", "txt", _REFUSED_S40),
    "guernsey": ("no_response", None, _NO_REPLY),
    "hampshire": (
        "refused_cost_s12",
        "txt",
        "Refused under s.12: reading crime records to find the platform would exceed the cost "
        "limit.",
    ),
    "humberside": ("no_platform_flag", "pdf", _NO_FLAG),
    "kent": (
        "refused_cost_s12",
        "txt",
        "Refused under s.12: the platform is only in free text, so every record would need reading.",
    ),
    "lincolnshire": ("no_response", None, _NO_REPLY),
    "metropolitan": (
        "refused_cost_s12",
        "pdf",
        "Refused under s.12: the volume of records to read would exceed the cost limit.",
    ),
    "northamptonshire": ("no_response", None, _NO_REPLY),
    "south-yorkshire": ("no_platform_flag", "txt", _NO_FLAG),
    "thames-valley": ("no_platform_flag", "txt", _NO_FLAG),
}

# The 2018/19 wave: 32 forces with data (the December 2019 release). The same forces as in
# 2019/20 sent nothing, and three more: an assumption of the simulation, not a published fact.
NO_DATA_2018_19 = {
    **NO_DATA_2019_20,
    "gwent": (
        "refused_cost_s12",
        "pdf",
        "Refused under s.12: finding the platform would mean reading every crime record.",
    ),
    "jersey": ("no_response", None, _NO_REPLY),
    "sussex": (
        "refused_cost_s12",
        "txt",
        "Refused under s.12: the volume of records to read would exceed the cost limit.",
    ),
}

REQUEST_QUOTE_2019_20 = (
    "Please provide, for 1 October 2019 to 31 March 2020 and for 1 April 2020 to 30 September "
    "2020 separately: (1) the number of sexual offences against children under 18 recorded with "
    "an online element, broken down by the platform used; (2) the number of indecent image "
    "offences against children under 18, broken down in the same way. Please count each "
    "platform recorded for an offence, so that one offence may be counted more than once. "
    "Platforms of interest include Facebook or Facebook Messenger, Instagram, WhatsApp, "
    "Snapchat, iMessage, Telegram, Signal, Twitch, online gaming, Kik, Twitter, Skype, TikTok, "
    "FaceTime, Discord and Omegle. Relevant Home Office offence codes include 17, 17A/B, 19C to "
    "19K, 20A/B, 21, 22A/B, 23, 70 and 71. If any part of this request would exceed the cost "
    "limit, please answer the parts that do not."
)
# The 2018/19 request in our words (its wording is in Cambridgeshire Constabulary's disclosure
# log, FOI2019/05954).
REQUEST_QUOTE_2018_19 = (
    "Please provide, for the financial year 1 April 2018 to 31 March 2019: (1) the number of "
    "child sexual offences recorded with an online element; (2) the number of indecent image "
    "offences against children; each broken down by the platform or platforms used to commit "
    "the offence (for example text message, iMessage, WhatsApp, Facebook, Twitter, Instagram, "
    "Snapchat or Kik)."
)

# A request number's year as a force writes it, one year earlier (2020 -> 2019, 20-21 -> 19-20).
_YEARS_2018_19 = {
    "2020-21": "2019-20",
    "/20-21": "/19-20",
    "2020": "2019",
    "/20": "/19",
    "-20": "-19",
}
_YEAR_PATTERN = re.compile(r"2020-21|/20-21|2020|/20\b|-20\b")


def _one_year_earlier(text: str) -> str:
    return _YEAR_PATTERN.sub(lambda m: _YEARS_2018_19[m.group()], text)


# File names that name the 2019/20 half-years: one file for the year in 2018/19.
FILES_2018_19 = {
    "bedfordshire": ("BCH FOI {n}.csv",),
    "cleveland": ("Cleveland FOI {n} 2018-19.csv",),
    "cumbria": ("FOI {n}-19 Apr18-Mar19.csv",),
    "durham": ("FOI {n} Q1 only Apr-Mar.csv",),
    "gloucestershire": ("{ref} 2018-19.csv",),
    "north-wales": ("NWP FOI {n} Ebrill-Mawrth.csv",),
    "south-wales": ("SWP FOI {n} Apr 18 - Mar 19.csv",),
    "staffordshire": ("Staffs FOI {n} Apr-Mar.csv",),
}


@dataclass(frozen=True)
class WaveConfig:
    """How one simulated wave differs from the others."""

    wave: str
    release_file: str  # under data/raw/published/: the targets
    seed: int
    no_data: dict[str, tuple[str, str | None, str]]
    partial: str  # answers Q1 only
    quarterly: str  # answers by quarter, with one quarter after the wave
    request_quote: str
    file_created: dt.datetime  # the fixed date inside XLSX and PDF files
    asked: dt.date | None = None  # when the request was sent (None: five days after the wave)
    answered_by: dt.date | None = None  # no answer later than this (the release's date, say)
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file names, by force
    shift_year: bool = False  # write request numbers one year earlier than 2019/20's

    def ref_pattern(self, pattern: str) -> str:
        """A force's reference or file name pattern as written in this wave."""
        return _one_year_earlier(pattern) if self.shift_year else pattern


CONFIGS = {
    "2019-10_2020-09": WaveConfig(
        wave="2019-10_2020-09",
        release_file="release_2021_03.csv",
        seed=20210326,
        no_data=NO_DATA_2019_20,
        partial="durham",
        quarterly="west-yorkshire",
        request_quote=REQUEST_QUOTE_2019_20,
        file_created=dt.datetime(2020, 11, 2, 9, 30, 0),
    ),
    "2018-04_2019-03": WaveConfig(
        wave="2018-04_2019-03",
        release_file="release_2019_12.csv",
        seed=20191205,
        no_data=NO_DATA_2018_19,
        partial="durham",
        quarterly="west-yorkshire",
        request_quote=REQUEST_QUOTE_2018_19,
        file_created=dt.datetime(2019, 10, 28, 9, 30, 0),
        asked=dt.date(2019, 9, 23),
        answered_by=dt.date(2019, 11, 29),
        files=FILES_2018_19,
        shift_year=True,
    ),
}
