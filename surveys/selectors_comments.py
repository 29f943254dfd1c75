"""Reads for the 意见建议 page: what respondents wrote to the government, as members read it.

Only counted (not excluded) responses, each comment with its group and, where that is safe, its
village: a village × group with fewer counted responses than the scheme's `min_cell` is not
named, as its score is not shown (a comment from the one deputy of a village would name its
writer), and neither is a group with fewer than that in all (three deputies). The list is ordered by what it shows (village, group, text), never by arrival, so that
its order tells nothing about a withheld village or a time. The comments that only say there is
nothing to say (无, 没有意见) are told apart (`says_nothing`): the page lists them on asking.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from stats.text import NONCHARACTERS
from surveys.localized import localized
from surveys.models import Group, Response, Survey, Village

DEFAULT_MIN_CELL = 5
# Control characters pasted into a comment (a vertical tab, say) and noncharacters (U+FFFF):
# drawn as an empty box on the page, refused by openpyxl in the download or making the workbook
# one Excel cannot open. And the bidirectional embeddings, overrides and isolates (U+202A–202E,
# U+2066–2069): no Chinese comment needs one, and an override shows the words after it in
# reverse order on the page and in the workbook ("\u202e修没灯路" read as 路灯没修) — what staff
# read is what was typed, in the order typed. Line breaks and tabs stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]|" + NONCHARACTERS.pattern)

# What a respondent writes in the box when there is nothing to say: 无, 没有, 暂无意见, 没什么建议,
# 没有了, "/", "none". In a town's survey these are most of the comments; listed apart (counted,
# shown on asking), so the page opens on what was said. A comment that says anything more
# (没有意见，路灯要修) is not one of them.
NOTHING = re.compile(
    r"(?:暂时|目前|暂|现在|基本|基本上|我)?(?:无|没有|没|没得|莫得|冇)"
    r"(?:什么|啥|任何|其他|其它|别的|更多)?(?:的)?(?:意见|建议|意见建议|意见和建议|意见或建议|要求|想法|问题|补充)?(?:了|的)?"
)
NOTHING_ELSE = {"不知道", "不清楚", "说不清", "说不清楚", "无所谓", "略", "同上", "空", "否", "无无"}
IGNORED = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs", "Zl", "Zp", "Cc", "Cf", "Sm", "Sk"}
NOTHING_EN = {"none", "no", "nothing", "na", "nil", "nocomment", "nocomments", "nope"}


def says_nothing(text: str) -> bool:
    """Whether a comment only says there is nothing to say (or is punctuation alone)."""
    # Punctuation, spaces, control and math/modifier symbols (/, ~, ^) go; an emoji stays, and is
    # something said (👍, 😡).
    bare = "".join(c for c in text if unicodedata.category(c) not in IGNORED).casefold()
    return not bare or bare in NOTHING_ELSE or bare in NOTHING_EN or NOTHING.fullmatch(bare) is not None


def _words(text: str) -> str:
    """The comment with no white space: "希望多修几条  村道" is "希望多修几条村道"."""
    return "".join(text.split())


@dataclass(frozen=True)
class Comment:
    text: str
    group: str  # its group's name; "" when withheld
    village: str  # its village's name; "" for a group not sampled by village, or when withheld
    withheld: bool  # its village × group has fewer than min_cell counted responses: village not named
    village_code: str = ""  # the named village's code ("" where `village` is)
    group_withheld: bool = False  # its whole group has fewer than min_cell: neither is named
    nothing: bool = False  # says only that there is nothing to say (says_nothing)
    same: int = 1  # counted responses whose comment has these very words (spaces aside)
    group_code: str = ""  # the named group's code ("" where `group` is)


@dataclass(frozen=True)
class SurveyComments:
    comments: list[Comment]
    counted: int  # counted responses, with a comment or not
    min_cell: int
    withheld: int  # comments whose village is not named
    synthetic: int = 0  # counted responses that are synthetic demo data (the demo's comments are too)

    @property
    def nothing(self) -> int:
        """Comments that say only that there is nothing to say (无, 没有意见, …)."""
        return sum(c.nothing for c in self.comments)

    def said(self) -> SurveyComments:
        """The same list without the comments that say nothing."""
        kept = [c for c in self.comments if not c.nothing]
        return dataclasses.replace(self, comments=kept, withheld=sum(c.withheld for c in kept))

    def villages(self) -> list[tuple[str, str, int]]:
        """(code, name, comments) of each village named in the list, in the list's order: what a
        reader may narrow it to (a village not named cannot be chosen, or choosing it would name it)."""
        counts: dict[str, list] = {}
        for comment in self.comments:
            if comment.village_code:
                counts.setdefault(comment.village_code, [comment.village_code, comment.village, 0])[2] += 1
        return [tuple(entry) for entry in counts.values()]

    def groups(self) -> list[tuple[str, str, int]]:
        """(code, name, comments) of each group named in the list, in the list's order: as
        `villages`, a group not named cannot be chosen."""
        counts: dict[str, list] = {}
        for comment in self.comments:
            if comment.group_code:
                counts.setdefault(comment.group_code, [comment.group_code, comment.group, 0])[2] += 1
        return [tuple(entry) for entry in counts.values()]

    def of_village(self, code: str) -> list[Comment]:
        return [c for c in self.comments if c.village_code == code]

    def narrowed(self, *, village: str = "", group: str = "", words: str = "") -> SurveyComments:
        """The list narrowed to one named village's comments, one named group's and/or those that
        hold `words`: each word apart (as the lists of surveys take them), case and the comment's
        own spaces aside — "路灯" finds "村口路 灯不亮", "路灯 修" those that speak of both."""
        kept = self.of_village(village) if village else self.comments
        if group:
            kept = [c for c in kept if c.group_code == group]
        if wanted := words.casefold().split():
            kept = [c for c in kept if all(word in _words(c.text).casefold() for word in wanted)]
        return dataclasses.replace(self, comments=kept, withheld=sum(c.withheld for c in kept))


def survey_min_cell(survey: Survey) -> int:
    return int((survey.scheme or {}).get("min_cell") or DEFAULT_MIN_CELL)


def survey_comments(survey: Survey, *, english: bool | None = None) -> SurveyComments:
    """Every counted response's comment, named in the page's language (four queries)."""
    counted = Response.objects.filter(survey=survey, excluded=False)
    cells: dict[tuple, int] = {}
    synthetic = 0
    for village, group, source, n in (
        counted.values_list("village_id", "group_id", "source").annotate(n=Count("pk")).order_by()
    ):
        cells[village, group] = cells.get((village, group), 0) + n
        synthetic += n if source == Response.Source.SYNTHETIC else 0
    group_sizes: dict[int, int] = {}
    for (_village, group), n in cells.items():
        group_sizes[group] = group_sizes.get(group, 0) + n
    groups = {g.pk: g for g in Group.objects.filter(survey=survey)}
    villages = {v.pk: v for v in Village.objects.filter(survey=survey)}
    min_cell = survey_min_cell(survey)
    rows = []
    for text, group_id, village_id in counted.exclude(comment="").values_list(
        "comment", "group_id", "village_id"
    ):
        text = CONTROL.sub("", text).strip()
        if not text:  # spaces or control characters alone: nothing written
            continue
        group, village = groups[group_id], villages.get(village_id)
        group_withheld = group_sizes.get(group_id, 0) < min_cell
        withheld = village is not None and cells.get((village_id, group_id), 0) < min_cell
        shown = village if village is not None and not withheld else None
        shown_group = None if group_withheld else group
        key = (
            shown is None,
            (shown.order, shown.code) if shown else (0, ""),
            shown_group is None,
            (group.order, group.code) if shown_group else (0, ""),
            text,
        )
        rows.append(
            (
                key,
                Comment(
                    text,
                    localized(shown_group, english=english),
                    localized(shown, english=english),
                    withheld,
                    shown.code if shown else "",
                    group_withheld,
                    says_nothing(text),
                    group_code="" if group_withheld else group.code,
                ),
            )
        )
    rows.sort(key=lambda row: row[0])
    # The same words in several responses: pasted by one hand, perhaps (a question for staff, as
    # the quality flags are), or a request many share. Not counted for the ones that say nothing.
    same = Counter(_words(comment.text) for _key, comment in rows if not comment.nothing)
    comments = [
        comment if comment.nothing else dataclasses.replace(comment, same=same[_words(comment.text)])
        for _key, comment in rows
    ]
    return SurveyComments(
        comments=comments,
        counted=sum(cells.values()),
        min_cell=min_cell,
        withheld=sum(c.withheld for c in comments),
        synthetic=synthetic,
    )
