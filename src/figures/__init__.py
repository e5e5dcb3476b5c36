"""Step 30: ``reports/tables/`` to ``reports/figures/``: each chart in the Analysis Function's
style, with its data and alt text. This face is what ``notebooks/30-figures.ipynb`` calls."""

from src.figures.charts import funnel, regions, series, whatsapp
from src.figures.inputs import (
    ChartWords,
    badge,
    build_info,
    chart_words,
    funnel_input,
    platform_series_input,
    platforms_input,
    regions_input,
    series_by_area_input,
    series_input,
    shares_input,
    subtitle,
    table,
    variant_notes,
    waves_input,
    waves_subtitle,
    whatsapp_input,
)
from src.figures.platforms import largest_platforms
from src.figures.run import discard_figure, figure_stem, read_tables, save_figure, show
from src.figures.shares import platform_shares
from src.figures.style import use_style
from src.figures.timelines import platform_shares_over_time, series_by_area
from src.figures.waves import waves_chart

__all__ = [
    "ChartWords",
    "build_info",
    "chart_words",
    "discard_figure",
    "figure_stem",
    "funnel",
    "funnel_input",
    "badge",
    "largest_platforms",
    "platform_series_input",
    "platform_shares",
    "platform_shares_over_time",
    "platforms_input",
    "read_tables",
    "regions",
    "regions_input",
    "save_figure",
    "series",
    "series_by_area",
    "series_by_area_input",
    "series_input",
    "shares_input",
    "show",
    "subtitle",
    "table",
    "use_style",
    "variant_notes",
    "waves_chart",
    "waves_input",
    "waves_subtitle",
    "whatsapp",
    "whatsapp_input",
]
