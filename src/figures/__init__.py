"""Step 30: ``reports/tables/`` to ``reports/figures/``.

Each chart in the Analysis Function's style, saved as SVG, PNG and PDF with its data and alt
text. The face is what ``notebooks/30-figures.ipynb`` calls.
"""

from src.figures.charts import (
    build_info,
    funnel,
    funnel_input,
    is_simulated,
    platform_shares,
    read_tables,
    regions,
    regions_input,
    save_figure,
    series,
    series_input,
    shares_input,
    show,
    subtitle,
    use_style,
    variant_notes,
    whatsapp,
)

__all__ = [
    "build_info",
    "funnel",
    "funnel_input",
    "is_simulated",
    "platform_shares",
    "read_tables",
    "regions",
    "regions_input",
    "save_figure",
    "series",
    "series_input",
    "shares_input",
    "show",
    "subtitle",
    "use_style",
    "variant_notes",
    "whatsapp",
]
