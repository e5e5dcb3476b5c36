"""Every figures test draws with the Agg backend, in the house style, and closes what it drew."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from src.figures import style  # noqa: E402


@pytest.fixture(autouse=True)
def house_style():
    style.use_style()
    yield
    plt.close("all")
