"""Small server-rendered SVG charts: numbers in, shapes out, no library.

static/surveys/staff/dashboard.js draws the same bars when it refreshes the page's numbers;
keep the two in step.
"""

from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT = 600, 120
MIN_DAYS = 14  # fewer days are padded with empty ones before, so one day is not one huge bar


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    count: int


def day_bars(per_day: list[tuple[date, int]], *, width: int = WIDTH, height: int = HEIGHT) -> list[Bar]:
    if not per_day:
        return []
    first = per_day[0][0]
    padding = [(first - timedelta(days=n), 0) for n in range(MIN_DAYS - len(per_day), 0, -1)]
    per_day = padding + list(per_day)
    top = max(count for _, count in per_day) or 1
    step = width / len(per_day)
    gap = min(2.0, step / 4)
    bars = []
    for i, (day, count) in enumerate(per_day):
        h = round(height * count / top, 1)
        bars.append(
            Bar(
                x=round(i * step, 1),
                y=round(height - h, 1),
                width=round(step - gap, 1),
                height=h,
                day=day,
                count=count,
            )
        )
    return bars
