"""A seeded, deterministic synthetic response set for the demo and the tests.

It is invented data, not the 2020 survey's answers (which the report does not publish): every
place that shows it says so. Respondents share a latent attitude, so items correlate as in real
satisfaction data and reliability figures are meaningful.

Any survey gets one that fits it: its own groups, villages and age bands, as many responses as
its quotas ask (SYNTHETIC_PER_CELL where none does), answers over its own scale, dated in its
year. The 2020 demo's 400 are what its quotas ask (20 a village, 5 an age band; 40 staff) and 20
deputies, who have no quota.
"""

import csv
import math
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import cycle
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from surveys.models import Quota, Response, Survey
from surveys.selectors import SurveyCatalog
from surveys.services.response_import import FIXED_COLUMNS

SHANGHAI = ZoneInfo("Asia/Shanghai")
SYNTHETIC_PER_CELL = 20  # responses of a village, or of a group not sampled by village, without a quota
SYNTHETIC_DAYS = 20  # the responses' submission times spread over this many days


@dataclass(frozen=True)
class PlannedCell:
    """The synthetic responses of one group in one village (village "" for a group not sampled
    by village): the age band of each, in order ("" where the group is not asked one)."""

    group: str
    village: str
    bands: tuple[str, ...]


QuotaRow = tuple[str, str | None, str | None, int]  # group, village, age band, target


def survey_quota_rows(survey: Survey) -> list[QuotaRow]:
    return list(
        Quota.objects.filter(survey=survey).values_list(
            "group__code", "village__code", "age_band__code", "target"
        )
    )


def _bands_in_turn(bands: Sequence[str], count: int, targets: dict[str, int]) -> tuple[str, ...]:
    """`count` age bands taken in turn, skipping a band once its target is met (while another's
    is not): 5, 5, 5, 5 over four bands gives each band every fourth respondent."""
    if not bands:
        return ("",) * count
    remaining = {band: targets.get(band, 0) for band in bands}
    chosen: list[str] = []
    for band in cycle(bands):
        if len(chosen) == count:
            return tuple(chosen)
        if any(n > 0 for n in remaining.values()) and remaining[band] <= 0:
            continue
        chosen.append(band)
        remaining[band] -= 1
    raise AssertionError  # pragma: no cover — cycle() never ends


def synthetic_plan(
    catalog: SurveyCatalog,
    quotas: Iterable[QuotaRow] = (),
    *,
    per_village: int | None = None,
    per_group: dict[str, int] | None = None,
) -> list[PlannedCell]:
    """Who answers: the groups in the survey's order, a group sampled by village in each of its
    villages. A village of such a group gets `per_village` responses if given, else what its
    quotas ask (the larger of the village's quota and the sum of its age bands'), else its share
    of the group's own quota, else SYNTHETIC_PER_CELL; a group not sampled by village gets
    `per_group[code]`, else its quota, else SYNTHETIC_PER_CELL."""
    per_group = per_group or {}
    quotas = list(quotas)
    bands = list(catalog.age_bands)
    villages = list(catalog.villages)
    cells = []
    for code, group in catalog.groups.items():
        whole = max((t for g, v, b, t in quotas if g == code and v is None and b is None), default=None)
        if not group.by_village:
            count = per_group.get(code, whole if whole is not None else SYNTHETIC_PER_CELL)
            cells.append(PlannedCell(code, "", ("",) * count))
            continue
        share = math.ceil(whole / len(villages)) if whole is not None and villages else SYNTHETIC_PER_CELL
        for village in villages:
            targets = {b: t for g, v, b, t in quotas if g == code and v == village and b is not None}
            own = max((t for g, v, b, t in quotas if g == code and v == village and b is None), default=0)
            if per_village is not None:
                count, targets = per_village, {}
            elif targets or own:
                count = max(own, sum(targets.values()))
            else:
                count = share
            cells.append(PlannedCell(code, village, _bands_in_turn(bands, count, targets)))
    return cells


def _scale(catalog: SurveyCatalog) -> tuple[list[str], list[str], list[str]]:
    """The survey's option codes in its order; those with points, from the best down; the unsure
    ones (不了解: no points, else the one coded dont_know). Points are the saved scheme's where it
    gives them, else the options' own (a scheme may score options that have no points)."""
    given = (catalog.survey.scheme or {}).get("option_points") or {}
    points = {code: given.get(code, option.points) for code, option in catalog.options.items()}
    unsure = [code for code, p in points.items() if p is None] or [c for c in points if c == "dont_know"]
    scored = [code for code, p in points.items() if p is not None and code not in unsure]
    return list(points), sorted(scored, key=lambda code: -points[code]), unsure


def _probabilities(level: float, scored: Sequence[str], unsure: Sequence[str]) -> dict[str, float]:
    """P(each option) for a latent level: the best σ(level), the worst a small share of the rest,
    the options between the rest, halving from the better down; 3 % unsure (all of it, evenly,
    where no option has points). On the 2020 scale: satisfied σ(level), dissatisfied
    0.04(1 − σ)/0.3, basically satisfied the rest."""
    satisfied = 1 / (1 + math.exp(-level))
    dont_know = 0.03 if unsure else 0.0
    chances = {code: dont_know / len(unsure) for code in unsure}
    if len(scored) <= 1:
        return chances | {code: 1 - dont_know for code in scored}
    top, *middle, bottom = scored
    dissatisfied = 0.04 * (1 - satisfied) / 0.3 if middle else max(0.0, 1 - satisfied - dont_know)
    rest = max(0.0, 1 - satisfied - dont_know - dissatisfied)
    halves = [0.5**i for i in range(len(middle))]
    chances |= {code: rest * h / sum(halves) for code, h in zip(middle, halves, strict=True)}
    return chances | {top: satisfied, bottom: dissatisfied}


def synthetic_rows(
    catalog: SurveyCatalog, plan: Sequence[PlannedCell], *, seed: int = 2020
) -> Iterator[list[str]]:
    rng = random.Random(seed)
    items = catalog.item_codes
    options, scored, unsure = _scale(catalog)
    item_effect = {code: rng.gauss(0, 0.35) for code in items}
    village_effect = {code: rng.gauss(0, 0.3) for code in catalog.villages}
    # December of the survey's year, when such surveys are done; ending today at the latest
    start = min(
        datetime(catalog.survey.year, 12, 1, 8, 0, tzinfo=SHANGHAI),
        (timezone.now() - timedelta(days=SYNTHETIC_DAYS))
        .astimezone(SHANGHAI)
        .replace(second=0, microsecond=0),
    )

    def respondent(group: str, village: str, band: str) -> list[str]:
        attitude = rng.gauss(0, 0.9) + village_effect.get(village, 0.4)
        cells = []
        for code in items:
            if rng.random() < 0.01:
                cells.append("")  # left blank
                continue
            chances = _probabilities(1.3 + attitude + item_effect[code], scored, unsure)
            cells.append(rng.choices(options, weights=[chances.get(o, 0.0) for o in options])[0])
        when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * SYNTHETIC_DAYS))
        rid = uuid.UUID(int=rng.getrandbits(128), version=4)
        return [str(rid), village, group, band, when.isoformat(), *cells]

    for cell in plan:
        for band in cell.bands:
            yield respondent(cell.group, cell.village, band)


def write_synthetic_csv(catalog: SurveyCatalog, stream, rows: Iterable[list[str]]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(FIXED_COLUMNS + catalog.item_codes)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def synthetic_ids_elsewhere(survey: Survey, ids: Sequence[str]) -> dict[str, str]:
    """{response id: the other survey's code} for the ids another survey has stored already (two
    surveys given synthetic responses with the same seed draw the same ids)."""
    taken = {}
    for start in range(0, len(ids), 500):
        stored = Response.objects.filter(pk__in=ids[start : start + 500]).exclude(survey=survey)
        taken |= {str(pk): slug for pk, slug in stored.values_list("pk", "survey__slug")}
    return taken


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
