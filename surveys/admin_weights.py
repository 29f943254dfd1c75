"""The weights of a survey's dimensions, items and groups, set in the rows of its admin page.

Administrators (town officials, not programmers) could set weights only by editing the scheme's
JSON (计分方案, contract §2). The dimension, item and group tables of the survey's page now have a
权重 column, filled with the weights the score uses: the saved scheme's, or for a survey without
one the defaults (dimensions of equal weight 1/n, items 1, no group weights). On saving, the
scheme follows the rows:

- The JSON box's weights unchanged: the rows say the weights. A row added with a weight brings
  it; a row deleted takes its weight along; a code changed keeps its weight. Weights the JSON
  gives to codes no row has are kept, for the scheme's check to name them.
- The JSON box's weights changed and no weight cell: the JSON says them, as before.
- Both: a weight changed in both places must be changed alike, or nothing is saved and both
  places say which weight and the two values. Different weights changed in the two places are
  both kept, and the administrator is told so.
- Nothing changed on a survey without a scheme: it keeps none, and scores with the defaults,
  which follow the questionnaire (a dimension added is weighed 1/n with the others).

A blank cell: a dimension must have a weight (0 leaves it out of the composite); an item's blank
is 1; the groups are weighted all or none, and all blank means no group weights.

The checks are the scheme's own (stats.parse_scheme, through scoring.scheme_completed). Their
messages about a table's weights go above that table when its cells were changed, and on the
JSON box when it changed them or nothing did (a scheme left behind by the questionnaire). Only what the cells alone can get wrong is checked here: a number, not
negative, a dimension left blank, some groups weighted and others blank.

A published survey's scheme is frozen with its report: its rows, weights included, are read-only
(the inlines' change permission, surveys/admin.py), and show the frozen weights.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys.localized import localized
from surveys.models import Dimension, Group, Item, Survey
from surveys.scoring import default_dimension_weights

# Digits and marks a Chinese keyboard types full-width: "０．２５" is 0.25.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．。", "0123456789..")


class WeightField(forms.FloatField):
    """A weight typed in a table's cell: a number not below 0, or blank.

    The cell shows the weight to six significant digits (1/3 as 0.333333); a cell sent back as
    shown has not changed, and keeps the weight exactly as it was."""

    widget = forms.TextInput(attrs={"class": "weight", "inputmode": "decimal", "size": 6})
    default_error_messages = {
        "invalid": _("权重应是数字，如 0.25 或 1。"),
        "min_value": _("权重不能是负数；不计入的填 0。"),
    }

    def __init__(self, **kwargs):
        # A text box, not a number box: what is typed reaches the server and is said wrong there
        # (a browser sends a number box's "0,5" as blank, which for a group means no weights).
        super().__init__(required=False, min_value=0, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().translate(FULL_WIDTH)
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{value:.6g}"
        return value

    def has_changed(self, initial, data):
        try:
            typed = self.to_python(data)
        except ValidationError:
            return True
        shown = None if initial is None else float(self.prepare_value(initial))
        return typed != shown


class WeightedPartForm(forms.ModelForm):
    """A row of the dimension, item or group table, with its weight (`weights`: the weights the
    score uses, by the codes as stored)."""

    def __init__(self, *args, weights: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_code = self.instance.code if self.instance.pk else None
        if weights is not None and self.stored_code is not None:
            self.initial.setdefault("weight", weights.get(self.stored_code, _MISSING.get(self._meta.model)))


class DimensionWeightForm(WeightedPartForm):
    weight = WeightField(
        label=_("权重"),
        help_text=_("这个维度在综合得分中的份量，按比例计算；填 0 则不计入综合得分。"),
    )


class ItemWeightForm(WeightedPartForm):
    weight = WeightField(
        label=_("维度内权重"),
        help_text=_("这道题在它所属维度的得分中的份量，按比例计算；留空即 1。"),
    )


class GroupWeightForm(WeightedPartForm):
    weight = WeightField(
        label=_("权重"),
        help_text=_("群体权重：要么每个群体都填，要么都留空（不按群体加权）。"),
    )


# How a message names a part.
PART = {Dimension: _("维度“%(name)s”"), Item: _("题目“%(name)s”"), Group: _("受访群体“%(name)s”")}


def _shown(value) -> str:
    return WeightField().prepare_value(value) if value is not None else gettext("（留空）")


# A code the scheme does not weigh: a dimension has no weight, an item weighs 1, a group none.
_MISSING = {Dimension: None, Item: 1.0, Group: None}
KEYS = {Dimension: "dimension_weights", Item: "item_weights", Group: "group_weights"}


def weights_shown(survey: Survey) -> dict[type, dict[str, float | None]]:
    """The weights the score uses, by model and code: the survey's scheme's, or the defaults
    (scoring.default_scheme_data). Kept on the survey object: its three tables ask for them."""
    cached = getattr(survey, "_weights_shown", None)
    if cached is not None:
        return cached
    scheme = survey.scheme if isinstance(survey.scheme, dict) else {}
    dimensions = scheme.get("dimension_weights")
    if not isinstance(dimensions, dict):
        codes = (
            list(Dimension.objects.filter(survey=survey).values_list("code", flat=True)) if survey.pk else []
        )
        dimensions = default_dimension_weights(codes) if codes else {}
    items, groups = scheme.get("item_weights"), scheme.get("group_weights")
    shown = {
        Dimension: _numbers(dimensions),
        Item: _numbers(items if isinstance(items, dict) else {}),
        Group: _numbers(groups if isinstance(groups, dict) else {}),
    }
    survey._weights_shown = shown
    return shown


def _numbers(weights: dict) -> dict[str, float]:
    # A broken scheme's weight that is not a number is shown blank (the page says what is wrong).
    return {
        code: float(value)
        for code, value in weights.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    }


class WeightedFormSetMixin:
    """Gives each row of a table the survey's weights, read once when the page is built (before
    the survey form's cleaning puts the new scheme on the survey)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weights = weights_shown(self.instance)[self.model] if self.instance.pk else None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "weights": self.weights}


class WeightedInlineMixin:
    """The 权重 column: hidden on a new survey's page (its scheme is set once it is saved), shown
    read-only where the rows cannot be changed (a published survey)."""

    template = "admin/surveys/survey/weights_tabular.html"
    weights_note = ""  # said above the table

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "weight"] if obj is None else fields

    @admin.display(description=_("权重"))
    def weight(self, obj):
        by_survey = self.__dict__.setdefault("_weights_by_survey", {})  # one survey a page
        if obj.survey_id not in by_survey:
            by_survey[obj.survey_id] = weights_shown(obj.survey)
        value = by_survey[obj.survey_id][self.model].get(obj.code, _MISSING[self.model])
        return self.get_empty_value_display() if value is None else WeightField().prepare_value(value)


@dataclass
class Row:
    form: forms.ModelForm
    code: str  # as the row will store it
    stored_code: str | None  # as it is stored; None for a row added now
    shown: float | None  # the weight the cell showed
    value: float | None  # the weight the cell says: `shown` exactly when untouched
    changed: bool

    @property
    def name(self) -> str:
        return localized(self.form.instance)


@dataclass
class Family:
    """One table's weights: the dimensions', the items' or the groups'."""

    model: type
    formset: object
    rows: list[Row]
    deleted_codes: set[str]
    json_changed: bool = False
    conflicts: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return KEYS[self.model]

    @property
    def cells_changed(self) -> bool:
        return any(row.changed for row in self.rows)

    def error_above(self, message: str) -> None:
        self.formset.non_form_errors().append(ValidationError(message))

    def cell_error(self, row: Row, message: str) -> None:
        row.form.add_error("weight", message)


def _family(formset) -> Family | None:
    """The table's rows as they will be stored (rows deleted and empty extra rows left out), or
    None for a table without weights (a new survey's page)."""
    if formset.model not in KEYS or getattr(formset, "weights", None) is None:
        return None
    rows, deleted = [], set()
    for form in formset.forms:
        stored = getattr(form, "stored_code", None)
        if formset.can_delete and formset._should_delete_form(form):
            if stored:
                deleted.add(stored)
            continue
        if stored is None and not form.has_changed():
            continue  # an empty extra row
        missing = _MISSING[formset.model]
        shown = form.initial.get("weight", missing) if stored else missing
        typed = form.cleaned_data.get("weight")
        changed = "weight" in form.changed_data if stored else typed is not None and typed != missing
        value = (missing if typed is None else typed) if changed else shown
        code = form.cleaned_data.get("code", form.instance.code)
        rows.append(Row(form, code, stored, shown, value, changed))
    return Family(formset.model, formset, rows, deleted)


def _json_value(model, given, row: Row, count: int):
    """The weight the JSON box gives the row's part (by its code, or the code it had)."""
    if not isinstance(given, dict):
        return 1 / count if model is Dimension else _MISSING[model]
    for code in (row.code, row.stored_code):
        if code is not None and code in given:
            value = given[code]
            return float(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return _MISSING[model]


def _normal(model, weights):
    """A family's JSON as it weighs: no item weights is {}, a null group weighting is None."""
    if model is Item and weights is None:
        return {}
    return weights


class RowWeights:
    """The weights the dimension, item and group tables of the survey's page say, and the
    scheme that follows them (see the module's docstring)."""

    def __init__(self, formsets):
        self.families = [f for f in (_family(fs) for fs in formsets or ()) if f is not None]
        self.notes: list[tuple[int, str]] = []

    def followed(self, data: dict | None, stored: dict | None) -> dict | None:
        """The scheme to check and save: the JSON box's `data` (None: emptied) with the weights
        the rows say. None: no scheme (nothing changed a survey without one, or the box was
        emptied and no cell changed)."""
        if not self.families or not any(f.cells_changed for f in self.families):
            if data is None:
                return None
        given, before = data or {}, stored or {}
        followed = dict(given)
        json_only = cells_only = False
        for family in self.families:
            raw = given.get(family.key)
            family.json_changed = _normal(family.model, raw) != _normal(family.model, before.get(family.key))
            if family.json_changed and raw is not None and not isinstance(raw, dict):
                continue  # not an object: the scheme's check says so, on the JSON box
            weights = {}
            for row in family.rows:
                if not family.json_changed:
                    weights[row.code] = row.value
                    cells_only |= row.changed
                    continue
                from_json = _json_value(family.model, raw, row, len(family.rows))
                if row.changed and from_json != row.shown and from_json != row.value:
                    self._conflict(family, row, from_json)
                elif from_json != row.shown and not row.changed:
                    json_only = True
                elif row.changed and from_json == row.shown:
                    cells_only = True
                weights[row.code] = row.value if row.changed else from_json
            followed[family.key] = self._stored(family, weights, raw)
        if json_only and cells_only:
            self.notes.append(
                (messages.INFO, gettext("权重在下方表格和计分方案中各有修改，两处的修改都已保存。"))
            )
        return followed

    def _conflict(self, family: Family, row: Row, from_json) -> None:
        named = {
            "part": PART[family.model] % {"name": row.name},
            "cell": _shown(row.value),
            "scheme": _shown(from_json),
        }
        family.conflicts.append(
            gettext(
                "%(part)s的权重在下方表格中改为 %(cell)s，在计分方案中改为 %(scheme)s，"
                "两处不一致，没有保存：请只在一处修改，或改成相同的数。"
            )
            % named
        )
        family.cell_error(row, gettext("计分方案中改为 %(scheme)s，与此不一致。") % named)

    def _stored(self, family: Family, weights: dict, raw) -> dict | None:
        """The family's weights as the scheme keeps them, with the JSON's weights of codes no row
        has (for the check to name them). Blank cells the rows alone got wrong are said on them."""
        rows_said = {row.code for row in family.rows if not family.json_changed or row.changed}
        taken = {c for row in family.rows for c in (row.code, row.stored_code) if c} | family.deleted_codes
        leftover = {k: v for k, v in raw.items() if k not in taken} if isinstance(raw, dict) else {}
        if family.model is Dimension:
            for row in family.rows:
                if weights[row.code] is None and row.code in rows_said:
                    family.cell_error(row, gettext("请填写权重；不计入综合得分的维度填 0。"))
                    weights[row.code] = 1.0  # said on the row: not again by the scheme's check
            return {code: w for code, w in weights.items() if w is not None} | leftover
        if family.model is Item:
            # Written when not 1, or named by the JSON and not emptied in its cell (blank is 1).
            named = set(raw) if isinstance(raw, dict) else set()
            kept = {
                row.code: weights[row.code]
                for row in family.rows
                if weights[row.code] != 1.0 or (not row.changed and {row.code, row.stored_code} & named)
            }
            return kept | leftover
        weighted = {code: w for code, w in weights.items() if w is not None}
        if not weighted and not leftover:
            return None
        blank = [row for row in family.rows if weights[row.code] is None]
        if blank and rows_said:
            for row in blank:
                family.cell_error(row, gettext("其他群体填了权重，这里也要填；或者都留空。"))
            family.error_above(
                gettext(
                    "受访群体的权重要么每个都填，要么都留空：现在填了的是%(weighted)s，没填的是%(blank)s。"
                    "都留空则不按群体加权，所有答卷一起平均。"
                )
                % {
                    "weighted": gettext("、").join(
                        r.name for r in family.rows if weights[r.code] is not None
                    ),
                    "blank": gettext("、").join(r.name for r in blank),
                }
            )
            return None  # said on the rows: not again by the scheme's check
        return weighted | leftover

    def conflicts(self) -> list[str]:
        return [message for family in self.families for message in family.conflicts]

    def place(self, errors: dict[str, list[str]]) -> list[str]:
        """The scheme check's messages (`errors`, {key: [message]} in the page's language): those
        about a table's weights whose cells were changed go above that table; the rest, returned,
        go on the JSON box (a table's too when the JSON box changed its weights)."""
        by_key = {family.key: family for family in self.families}
        on_json = []
        for key, found in errors.items():
            family = by_key.get(key)
            if family is not None and family.cells_changed:
                for message in found:
                    family.error_above(message)
                if not family.json_changed:
                    continue
            on_json += found
        return on_json
