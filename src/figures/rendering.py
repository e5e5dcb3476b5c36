"""A finished figure rendered to the bytes of its SVG, PNG and PDF files, the same bytes on
every machine: no dates or software versions inside, and both PNGs (for screens at 100 dots
per inch, and ``-print.png`` for print at 200) rasterised from the SVG by resvg with the
bundled fonts only.
"""

from __future__ import annotations

import io
import re

import matplotlib as mpl
import resvg_py

from src.figures.style import DPI, FONT_FILES, PRINT_DPI, SVG_HASHSALT

#: What ends the name of each file of a figure, after its stem, in the order they are listed.
SUFFIXES = (".svg", ".png", "-print.png", ".pdf")

PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}
SVG_METADATA = {"Date": None}

_SVG_SIZE = re.compile(r'width="([\d.]+)pt" height="([\d.]+)pt"')


def svg_to_png(svg: bytes, dpi: float = DPI) -> bytes:
    """Rasterise a chart's SVG with resvg and the bundled fonts only: the same pixels on every
    machine, as the SVG holds its coordinates to fixed decimals (unlike matplotlib's Agg)."""
    text = svg.decode("utf-8")
    found = _SVG_SIZE.search(text)
    if found is None:
        raise ValueError("the SVG has no width and height in points")
    width, height = (float(found[i]) * dpi / 72 for i in (1, 2))
    text = text.replace(found[0], f'width="{width:.2f}" height="{height:.2f}"', 1)
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=text,
            skip_system_fonts=True,
            font_files=FONT_FILES,
            background="#ffffff",
        )
    )


def render(fig) -> dict[str, bytes]:
    """The figure's files by what ends their names (:data:`SUFFIXES`), both PNGs drawn from
    the SVG."""
    out = {}
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "none"}):
        for fmt, metadata in (("svg", SVG_METADATA), ("pdf", PDF_METADATA)):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
            out[f".{fmt}"] = buffer.getvalue()
    out[".png"] = svg_to_png(out[".svg"])
    out["-print.png"] = svg_to_png(out[".svg"], PRINT_DPI)
    return {suffix: out[suffix] for suffix in SUFFIXES}
