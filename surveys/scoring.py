"""The adapter between the database and the scoring engine in `stats/`.

It loads every included answer of a survey in one query, turns the compact answer strings into
the engine's option-index matrix with numpy, scores, and adds the Chinese (or English) names of
the contract's score document (§5). Score documents are cached under the survey's data token,
which every write replaces, so a cached score is never stale.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

import stats
from stats.explain import warning_named, warning_shown, warning_text
from surveys.answers import BLANK, SYMBOLS
from surveys.cache import survey_data_token
from surveys.localized import language, localized
from surveys.models import Response, Survey
from surveys.selectors import SurveyCatalog, survey_catalog, survey_versions

METHODS = ("taylor", "bootstrap")
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Loaded:
    matrix: stats.SurveyMatrix
    catalog: SurveyCatalog
    responses: int  # included responses scored
    excluded: int
    synthetic: int


def _symbol_table(version_options: list[str], current: dict[str, int]) -> np.ndarray:
    """Byte value of an answer symbol → index of that option in today's option list (-1 blank)."""
    table = np.full(256, -1, dtype=np.int16)
    for position, code in enumerate(version_options):
        table[ord(SYMBOLS[position])] = current.get(code, -1)
    table[ord(BLANK)] = -1
    return table


class QuestionnaireIncomplete(Exception):
    """The survey has no items, options or groups yet (a new survey saved halfway): nothing to score.

    Its message is worded when shown, not when raised: an exception raised while one language is
    active may be shown in another (a command's --lang, a page's ?lang=en)."""

    def __init__(self, missing: list[str]):
        self.missing = missing  # lazy names (questionnaire_missing)
        super().__init__(missing)

    def __str__(self) -> str:
        return _("问卷还缺少%(parts)s，还不能计算得分：请先在管理后台的调查页补齐。") % {
            "parts": missing_named(self.missing)
        }


def questionnaire_missing(catalog: SurveyCatalog) -> list[str]:
    """The parts without which a survey cannot be answered or scored, in the admin's words
    (lazy: each is translated where it is shown; `missing_named` lists them)."""
    parts = [
        (catalog.items, pgettext_lazy("缺少", "题目")),
        (catalog.options, pgettext_lazy("缺少", "答案选项")),
        (catalog.groups, pgettext_lazy("缺少", "受访群体")),
    ]
    return [name for rows, name in parts if not rows]


def missing_named(missing: list[str]) -> str:
    """ "题目、答案选项" in the active language."""
    return _("、").join(str(name) for name in missing)


class SchemeBroken(Exception):
    """The survey's own scheme does not fit its questionnaire: saved before the admin checked
    schemes, or left behind by a dimension, item or option deleted or renamed outside the admin
    (the shell, a migration, a restore); or, without a saved scheme, the options' default points
    cannot score (150 points typed in). Nothing can be scored until it is corrected.

    Not a stats.SchemeError: that is a scheme someone sends (a what-if, a --scheme file, a PUT),
    refused as their mistake (400); this one is stored, and every reader of the score is told
    which survey, what does not fit and where to fix it (409, a command's error). Worded when
    shown, as QuestionnaireIncomplete."""

    def __init__(self, survey: Survey, errors: dict[str, list[str]]):
        self.survey = survey
        self.errors = errors  # as stats.parse_scheme words them: "中文（English）"
        super().__init__(errors)

    def errors_shown(self) -> dict[str, list[str]]:
        """{field: [message]} in the active language only."""
        lang = language()
        return {field: [warning_shown(m, lang) for m in messages] for field, messages in self.errors.items()}

    def problems(self) -> list[str]:
        return [message for messages in self.errors_shown().values() for message in messages]

    def _named(self) -> dict[str, str]:
        return {"title": localized(self.survey), "slug": self.survey.slug}

    def heading(self) -> str:
        """The summary without its problems, for a page that lists them after it."""
        return _("“%(title)s”（%(slug)s）的计分方案与问卷不符，不能计算得分：") % self._named()

    def summary(self) -> str:
        return _("“%(title)s”（%(slug)s）的计分方案与问卷不符，不能计算得分：%(problems)s。") % {
            **self._named(),
            "problems": _("；").join(self.problems()),
        }

    @property
    def frozen(self) -> bool:
        """A published survey's scheme and options are read-only in the admin: nothing to edit."""
        return self.survey.status == Survey.Status.PUBLISHED

    @property
    def admin_path(self) -> str:
        return reverse("admin:surveys_survey_change", args=[self.survey.pk])

    def remedy(self, url: str = "") -> str:
        """What to do; `url`, the admin page's address, ends it (a page links it instead)."""
        if self.frozen:
            return _("这项调查已发布，计分方案随发布冻结：发布时冻结的得分和下载文件不受影响。")
        if self.survey.scheme:
            fix = (
                _("请管理员在管理后台打开这项调查，改正“计分方案”后保存：%(url)s")
                if url
                else _("请管理员在管理后台打开这项调查，改正“计分方案”后保存。")
            )
        else:
            fix = (
                _("请管理员在管理后台打开这项调查，改正答案选项的“默认分值”后保存：%(url)s")
                if url
                else _("请管理员在管理后台打开这项调查，改正答案选项的“默认分值”后保存。")
            )
        return fix % {"url": url} if url else fix

    def __str__(self) -> str:
        return self.summary() + self.remedy(settings.PUBLIC_BASE_URL + self.admin_path)


def survey_matrix(survey: Survey) -> Loaded:
    """Every included response of the survey as the engine's matrix: one query for the answers.

    Raises QuestionnaireIncomplete for a survey without items, options or groups."""
    catalog = survey_catalog(survey)
    missing = questionnaire_missing(catalog)
    if missing:
        raise QuestionnaireIncomplete(missing)
    versions = survey_versions(survey)
    rows = list(
        Response.objects.filter(survey=survey, excluded=False)
        .order_by()
        .values_list("version_id", "group_id", "village_id", "age_band_id", "answers", "source")
    )
    counts = Response.objects.filter(survey=survey, excluded=True).count()
    item_index = {code: j for j, code in enumerate(catalog.items)}
    option_index = {code: i for i, code in enumerate(catalog.options)}
    n, k = len(rows), len(item_index)
    answers = np.full((n, k), -1, dtype=np.int16)
    if n:
        version_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        for version_id in np.unique(version_ids):
            version = versions[int(version_id)]
            at = np.flatnonzero(version_ids == version_id)
            width = len(version.item_codes)
            raw = "".join(rows[i][4] for i in at).encode("ascii")
            symbols = np.frombuffer(raw, dtype=np.uint8).reshape(len(at), width)
            decoded = _symbol_table(version.option_codes, option_index)[symbols]
            # Items of that version that are still in the questionnaire, in today's columns.
            kept = [(j, item_index[c]) for j, c in enumerate(version.item_codes) if c in item_index]
            if kept:
                old, new = (list(t) for t in zip(*kept, strict=True))
                answers[np.ix_(at, new)] = decoded[:, old]
    pk_index = {
        "group": {g.pk: i for i, g in enumerate(catalog.groups.values())},
        "village": {v.pk: i for i, v in enumerate(catalog.villages.values())},
        "age_band": {a.pk: i for i, a in enumerate(catalog.age_bands.values())},
    }
    group = np.fromiter((pk_index["group"][r[1]] for r in rows), dtype=np.int64, count=n)
    village = np.fromiter((pk_index["village"].get(r[2], -1) for r in rows), dtype=np.int64, count=n)
    age_band = np.fromiter((pk_index["age_band"].get(r[3], -1) for r in rows), dtype=np.int64, count=n)
    dimension_codes = _dimension_codes(survey, catalog)
    matrix = stats.SurveyMatrix(
        item_codes=catalog.item_codes,
        item_dimension=[i.dimension.code for i in catalog.items.values()],
        dimension_codes=dimension_codes,
        option_codes=catalog.option_codes,
        answers=answers,
        group=group,
        group_codes=list(catalog.groups),
        group_population=[g.population for g in catalog.groups.values()],
        group_clustered=[g.by_village for g in catalog.groups.values()],
        village=village,
        village_codes=list(catalog.villages),
        age_band=age_band,
        age_band_codes=list(catalog.age_bands),
    )
    synthetic = sum(1 for r in rows if r[5] == Response.Source.SYNTHETIC)
    return Loaded(matrix=matrix, catalog=catalog, responses=n, excluded=counts, synthetic=synthetic)


def _dimension_codes(survey: Survey, catalog: SurveyCatalog) -> list[str]:
    """The dimensions in the items' order, then any without items."""
    codes = list(dict.fromkeys(i.dimension.code for i in catalog.items.values()))
    for d in survey.dimension_set.order_by("order", "code").values_list("code", flat=True):
        if d not in codes:
            codes.append(d)
    return codes


def default_dimension_weights(dimension_codes: list[str]) -> dict[str, float]:
    """The dimensions of a survey without a scheme (or a scheme without dimension_weights): of
    equal weight, 1/n each."""
    return {code: 1 / len(dimension_codes) for code in dimension_codes}


def option_defaults(catalog: SurveyCatalog) -> dict[str, float | None]:
    """Each option's default points, as the questionnaire gives them (不了解: None)."""
    return {code: option.points for code, option in catalog.options.items()}


def options_filled(data: dict, option_points: dict[str, float | None]) -> dict:
    """`data` with every option its option_points leaves out scoring `option_points`' value (a new
    option, or 不了解 left out of a what-if); `data` as it is where option_points is no object."""
    if not isinstance(data.get("option_points"), dict):
        return data
    return {**data, "option_points": {**option_points, **data["option_points"]}}


def default_scheme_data(catalog: SurveyCatalog, dimension_codes: list[str]) -> dict:
    """Each option's default points, dimensions of equal weight, items of weight 1."""
    return {
        "option_points": option_defaults(catalog),
        "dimension_weights": default_dimension_weights(dimension_codes),
        "item_weights": {},
        "group_weights": None,
        "min_cell": 5,
    }


def survey_scheme(
    survey: Survey, catalog: SurveyCatalog, dimension_codes: list[str], data: dict | None = None
):
    """The scheme to score with: `data` (a what-if), else the survey's saved one, else defaults.

    Raises stats.SchemeError with {field: [message]} for a `data` that does not fit the survey,
    SchemeBroken for the survey's own scheme (saved, or the defaults) that does not.
    """
    own = data is None
    if data is None:
        data = survey.scheme or default_scheme_data(catalog, dimension_codes)
    elif isinstance(data, dict):
        # As for a scheme saved (scheme_completed): an option the what-if does not name scores
        # its questionnaire's default points — 不了解 none — so that {"basically_satisfied": 60}
        # is the default scheme with 基本满意 at 60, not a refusal for the missing dont_know. The
        # document's scheme gives every option's points used.
        data = options_filled(data, option_defaults(catalog))
    try:
        return stats.parse_scheme(
            data,
            options=catalog.option_codes,
            dimensions=dimension_codes,
            items=catalog.item_codes,
            groups=list(catalog.groups),
            item_dimension=[i.dimension.code for i in catalog.items.values()],
        )
    except stats.SchemeError as exc:
        if own:
            raise SchemeBroken(survey, exc.errors) from None
        raise


def survey_scheme_broken(survey: Survey) -> SchemeBroken | None:
    """What of the survey's own scheme does not fit its questionnaire, checked without reading a
    response (the admin's survey page says it on opening); None when it fits, or when the
    questionnaire lacks items, options or groups (that is said on its own)."""
    catalog = survey_catalog(survey)
    if questionnaire_missing(catalog):
        return None
    try:
        survey_scheme(survey, catalog, _dimension_codes(survey, catalog))
    except SchemeBroken as exc:
        return exc
    return None


def survey_scheme_completed(survey: Survey, data: dict) -> dict:
    """`data` checked against the survey's questionnaire as it is stored now, its missing parts
    (say option_points) taken from the defaults; the complete scheme to save.

    Raises stats.SchemeError with {field: [message]} for anything that does not fit.
    """
    catalog = survey_catalog(survey)
    return scheme_completed(
        data,
        option_points=option_defaults(catalog),
        dimension_codes=_dimension_codes(survey, catalog),
        item_dimension={code: item.dimension.code for code, item in catalog.items.items()},
        group_codes=list(catalog.groups),
    )


def scheme_completed(
    data: dict,
    *,
    option_points: dict[str, float | None],
    dimension_codes: list[str],
    item_dimension: dict[str, str],
    group_codes: list[str],
) -> dict:
    """`data` checked against a questionnaire given by its codes (as the admin's survey page
    is about to store it, say), its missing parts taken from the defaults; the complete scheme.

    Raises stats.SchemeError with {field: [message]} for anything that does not fit.
    """
    defaults = (
        {
            "option_points": dict(option_points),
            "dimension_weights": default_dimension_weights(dimension_codes),
            "item_weights": {},
            "group_weights": None,
            "min_cell": 5,
        }
        if dimension_codes
        else {}
    )
    # An option the scheme does not name scores its default points (a new option, say).
    given = options_filled({**defaults, **data}, defaults.get("option_points", {}))
    scheme = stats.parse_scheme(
        given,
        options=list(option_points),
        dimensions=dimension_codes,
        items=list(item_dimension),
        groups=group_codes,
        item_dimension=list(item_dimension.values()),
    )
    return stats.scheme_to_dict(scheme)


def _names(catalog: SurveyCatalog, survey: Survey, lang: str) -> dict[str, dict[str, str]]:
    en = lang == "en"

    def pick(zh: str, english: str) -> str:
        return english if en and english else zh

    return {
        "dimension": {d.code: pick(d.name, d.name_en) for d in survey.dimension_set.all()},
        "item": {c: pick(i.text, i.text_en) for c, i in catalog.items.items()},
        "option": {c: pick(o.label, o.label_en) for c, o in catalog.options.items()},
        "group": {c: pick(g.name, g.name_en) for c, g in catalog.groups.items()},
        "village": {c: pick(v.name, v.name_en) for c, v in catalog.villages.items()},
        "age_band": {c: pick(a.label, a.label_en) for c, a in catalog.age_bands.items()},
    }


def _flat_names(names: dict[str, dict[str, str]]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for kind in ("option", "age_band", "village", "group", "item", "dimension"):
        flat.update(names[kind])
    return flat


def _document(survey: Survey, loaded: Loaded, result, names, lang: str) -> dict:
    doc = result.to_dict()
    for dimension in doc["dimensions"]:
        dimension["name"] = names["dimension"].get(dimension["code"], dimension["code"])
    for item in doc["items"]:
        item["name"] = names["item"].get(item["code"], item["code"])
    for key, kind in (("by_village", "village"), ("by_group", "group"), ("by_age_band", "age_band")):
        for cell in doc[key]:
            cell["name"] = names[kind].get(cell["code"], cell["code"])
    for cell in doc["by_village_group"]:
        cell["name"] = (
            f"{names['village'].get(cell['village'], cell['village'])} · {names['group'].get(cell['group'], cell['group'])}"
        )
    explanation = stats.explain(result, _flat_names(names), lang)
    # Parts named as readers know them (群体“人大代表”, not 群体“deputy”) in the document's language.
    doc["warnings"] = [warning_text(warning_named(w, names, lang), lang) for w in doc.get("warnings") or []]
    return {
        "survey": survey.slug,
        "title": localized(survey, english=lang == "en"),
        "status": survey.status,
        **doc,
        "sample": {
            "responses": loaded.responses,
            "excluded": loaded.excluded,
            "synthetic": loaded.synthetic,
        },
        "explain": explanation,
        "language": lang,
    }


@lru_cache(maxsize=1)
def _code_version() -> str:
    """A digest of the code that makes a score document (the engine in stats/ and this module):
    part of the cache key, so that a new version never serves a document the old one cached
    (its fields, names or derivation texts) — the cache lives on across deployments."""
    sources = sorted(Path(stats.__file__).parent.glob("*.py")) + [Path(__file__)]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:12]


def _canonical_digest(scheme: dict) -> str:
    """SHA-256 of the scheme's canonical JSON (keys sorted, no spaces)."""
    canonical = json.dumps(scheme, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def document_scheme_digest(scheme: dict) -> str:
    """The scheme's short digest as every download shows it (计分方案摘要): its first 12 hex
    digits, of the scheme as the score document gives it under "scheme"."""
    return _canonical_digest(scheme)[:12]


def scheme_digest(scheme: stats.Scheme) -> str:
    return _canonical_digest(stats.scheme_to_dict(scheme))[:16]


def survey_data_key(survey: Survey) -> str:
    """A cache key's part that changes whenever the survey's data or questionnaire does (or
    this code): the data token that reviews, imports, paper entry and restores replace
    (surveys/cache.py), how many responses there are and when the last arrived (a web submission
    only adds a row), and the survey's modification time. One index-only query."""
    stamp = survey.updated_at.isoformat()
    arrived = Response.objects.filter(survey=survey).aggregate(n=Count("pk"), last=Max("received_at"))
    watermark = f"{arrived['n']}:{arrived['last'].isoformat() if arrived['last'] else '-'}"
    return f"{_code_version()}:{survey.pk}:{survey_data_token(survey)}:{watermark}:{stamp}"


def score_document(
    survey: Survey,
    *,
    scheme_data: dict | None = None,
    method: str = "taylor",
    lang: str = "zh",
    use_cache: bool = True,
) -> dict:
    """The contract's score document for the survey's included responses (§5).

    Cached per survey data token, scheme and method. Reviews, imports, paper entry and restores
    replace the token (surveys/cache.py); a web submission only adds a row, so instead of writing
    to the cache on every submission, the key also holds how many responses the survey has and
    when the last one arrived (one index-only query per read).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    key = None
    if use_cache:
        scheme_part = hashlib.sha256(json.dumps(scheme_data, sort_keys=True).encode()).hexdigest()[:16]
        key = f"score:{survey_data_key(survey)}:{scheme_part}:{method}:{lang}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    loaded = survey_matrix(survey)
    scheme = survey_scheme(survey, loaded.catalog, loaded.matrix.dimension_codes, scheme_data)
    result = stats.score(loaded.matrix, scheme, method=method)
    document = _document(survey, loaded, result, _names(loaded.catalog, survey, lang), lang)
    document["computed_at"] = timezone.now().isoformat()
    if key is not None:
        cache.set(key, document, CACHE_SECONDS)
    return document


def score_result(survey: Survey, *, scheme_data: dict | None = None, method: str = "taylor"):
    """The engine's result object itself (for comparisons and text reports)."""
    loaded = survey_matrix(survey)
    scheme = survey_scheme(survey, loaded.catalog, loaded.matrix.dimension_codes, scheme_data)
    return loaded, stats.score(loaded.matrix, scheme, method=method)


def score_text(
    survey: Survey, *, scheme_data: dict | None = None, method: str = "taylor", lang: str = "zh"
) -> str:
    loaded, result = score_result(survey, scheme_data=scheme_data, method=method)
    names = _names(loaded.catalog, survey, lang)
    title = localized(survey, english=lang == "en")
    head = [title, f"{survey.slug} · n = {loaded.responses}"]
    digest = document_scheme_digest(result.scheme)
    if lang == "en":
        head.append(f"Scoring scheme {digest}" + (" (a trial scheme, not saved)" if scheme_data else ""))
    else:
        head.append(f"计分方案摘要 {digest}" + ("（试算方案，未保存）" if scheme_data else ""))
    if loaded.synthetic:
        head.append(
            f"注意：其中 {loaded.synthetic} 份为合成演示数据，并非真实调查结果。"
            if lang != "en"
            else f"Note: {loaded.synthetic} of these responses are synthetic demo data, not real answers."
        )
    return "\n".join(head) + "\n\n" + stats.render_text(result, _flat_names(names), lang, part_names=names)
