"""The evaluator page's answer bars (CSS) hatch each option as the answers chart (matplotlib)
draws it: "///" rose to the left on the page and to the right in the chart beside it."""

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image

from stats import charts

matplotlib.use("Agg")


def _slant(pixels: np.ndarray) -> float:
    """How much more alike a pixel is to its neighbour up-right than to its neighbour down-right:
    above 0 for stripes rising to the right (/), below 0 for falling ones (\\)."""
    grey = pixels[..., :3].astype(float).mean(axis=-1)
    rising = np.abs(grey[1:, :-1] - grey[:-1, 1:]).mean()
    falling = np.abs(grey[:-1, :-1] - grey[1:, 1:]).mean()
    return falling - rising


def _matplotlib_bar(colour: str, hatch: str) -> np.ndarray:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1.2, 0.6), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.bar(0, 1, width=1, color=colour, hatch=hatch, edgecolor="white", linewidth=0)
    ax.set_xlim(-0.5, 0.5)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return np.asarray(Image.open(out))[10:-10, 10:-10]


@pytest.mark.parametrize("count", [6, 12])
def test_the_page_hatches_each_option_the_way_the_chart_does(browser, count):
    page = browser.new_page(viewport={"width": 200, "height": 60})
    try:
        for k in range(count):
            colour, hatch = charts.option_style(k, count)
            if hatch not in ("///", "\\\\"):
                continue
            page.set_content(
                '<body style="margin:0"><div style="width:120px;height:60px;'
                f'background:{charts.option_background(k, count)}"></div></body>'
            )
            css = np.asarray(
                Image.open(io.BytesIO(page.screenshot(clip={"x": 10, "y": 10, "width": 100, "height": 40})))
            )
            drawn = _matplotlib_bar(colour, hatch)
            assert np.sign(_slant(css)) == np.sign(_slant(drawn)) == (1 if hatch == "///" else -1), (k, hatch)
    finally:
        page.close()
