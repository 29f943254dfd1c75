"""A seeded, deterministic synthetic response set for the demo and the tests.

It is invented data, not the 2020 survey's answers (which the report does not publish): every
place that shows it says so. Respondents share a latent attitude, so items correlate as in real
satisfaction data and reliability figures are meaningful.
"""

import csv
import math
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from surveys.selectors import SurveyCatalog
from surveys.services.response_import import FIXED_COLUMNS

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _probabilities(level: float) -> tuple[float, float, float, float]:
    """P(satisfied, basically satisfied, dissatisfied, don't know) for a latent level."""
    satisfied = 1 / (1 + math.exp(-level))
    dont_know = 0.03
    dissatisfied = 0.04 * (1 - satisfied) / 0.3
    basically = max(0.0, 1 - satisfied - dont_know - dissatisfied)
    return satisfied, basically, dissatisfied, dont_know


def synthetic_rows(
    catalog: SurveyCatalog, *, seed: int = 2020, per_village: int = 20, staff: int = 40, deputies: int = 20
) -> Iterator[list[str]]:
    rng = random.Random(seed)
    villages = list(catalog.villages)
    bands = list(catalog.age_bands)
    items = catalog.item_codes
    options = catalog.option_codes[:4]
    item_effect = {code: rng.gauss(0, 0.35) for code in items}
    village_effect = {code: rng.gauss(0, 0.3) for code in villages}
    start = datetime(2020, 12, 1, 8, 0, tzinfo=SHANGHAI)

    def respondent(group: str, village: str, band: str) -> list[str]:
        attitude = rng.gauss(0, 0.9) + village_effect.get(village, 0.4)
        cells = []
        for code in items:
            if rng.random() < 0.01:
                cells.append("")  # left blank
                continue
            weights = _probabilities(1.3 + attitude + item_effect[code])
            cells.append(rng.choices(options, weights=weights)[0])
        when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
        rid = uuid.UUID(int=rng.getrandbits(128), version=4)
        return [str(rid), village, group, band, when.isoformat(), *cells]

    for village in villages:
        for k in range(per_village):
            yield respondent("villager", village, bands[k % len(bands)])
    for _ in range(staff):
        yield respondent("staff", "", "")
    for _ in range(deputies):
        yield respondent("deputy", "", "")


def write_synthetic_csv(catalog: SurveyCatalog, stream, **kwargs) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(FIXED_COLUMNS + catalog.item_codes)
    count = 0
    for row in synthetic_rows(catalog, **kwargs):
        writer.writerow(row)
        count += 1
    return count
