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

from django.db import transaction

from surveys.models import Response, Survey
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


# What respondents of a town's survey write in 意见建议, invented for the demo: most leave the box
# empty, many write only 无 or 没有意见, some a request about what the questionnaire asked.
SYNTHETIC_REMARKS = [
    "希望多修几条通组公路，雨天路滑不好走。",
    "垃圾清运不及时，有时要堆好几天。",
    "河里还有人倒垃圾，希望加强管理。",
    "夏天用水高峰经常停水，希望改善供水。",
    "希望多引进企业，年轻人在家门口就能找到工作。",
    "农产品销路不好，希望镇里帮忙联系销路。",
    "晚上路灯太少，老人出门不方便。",
    "办一件事要跑好几趟，希望能一次办好。",
    "希望多开展种养殖技术培训。",
    "医保报销手续太麻烦，希望简化。",
    "危房改造补助的名单希望公开。",
    "村卫生室药品不全，看病要去镇上。",
    "希望多宣传防范电信诈骗。",
    "公共厕所要经常打扫。",
    "集镇上车辆乱停，希望管一管。",
    "希望村务公开再及时一些。",
    "留守老人多，希望多关心养老。",
    "窗口人员不足，高峰期要排很久的队。",
    "希望加强对基层干部的业务培训。",
]
SYNTHETIC_PRAISE = ["村干部态度很好，办事耐心。", "总体满意，希望继续保持。", "空气比以前好多了。"]
SYNTHETIC_NOTHING = ["无", "无。", "没有", "没有意见", "暂无意见", "没什么建议"]
# What some add after a request (or thanks, after praise): so that two respondents seldom write
# the very same words.
SYNTHETIC_ENDINGS = ["", "", "", "希望尽快解决。", "请领导重视。", "这是大家的心声。", "盼望早日落实。"]
SYNTHETIC_THANKS = ["", "谢谢！", "辛苦了。"]


def synthetic_comments(response_ids: list[str], *, seed: int = 2020) -> dict[str, str]:
    """Comments for some of the synthetic responses, by response id: seeded, so the same ids get
    the same comments (a quarter write something, half of that only 无 or 没有意见)."""
    rng = random.Random(seed)
    comments = {}
    for rid in sorted(response_ids):
        draw = rng.random()
        if draw < 0.12:
            comments[rid] = rng.choice(SYNTHETIC_NOTHING)
        elif draw < 0.22:
            comments[rid] = rng.choice(SYNTHETIC_REMARKS) + rng.choice(SYNTHETIC_ENDINGS)
        elif draw < 0.25:
            comments[rid] = rng.choice(SYNTHETIC_PRAISE) + rng.choice(SYNTHETIC_THANKS)
    return comments


def synthetic_comments_add(survey: Survey, *, seed: int = 2020) -> int:
    """Gives the survey's synthetic responses their synthetic comments (synthetic_comments), once:
    if any synthetic response has a comment already, nothing changes (the demo is run again on
    the same database). Comments are not in the data hash: no score or report figure changes."""
    synthetic = Response.objects.filter(survey=survey, source=Response.Source.SYNTHETIC)
    if synthetic.exclude(comment="").exists():
        return 0
    ids = {str(pk): pk for pk in synthetic.values_list("pk", flat=True)}  # the response ids
    comments = synthetic_comments(list(ids), seed=seed)
    rows = [Response(pk=ids[rid], comment=text) for rid, text in comments.items()]
    with transaction.atomic():
        Response.objects.bulk_update(rows, ["comment"], batch_size=500)
    return len(rows)
