"""The scoring scheme (contract §2): points per option and the weights, validated as a whole.

`parse_scheme` collects every problem before raising, so an administrator fixes a scheme in one
round trip. Messages are Chinese first with the English in brackets, and name the bad code/value.

Decisions:
- `dimension_weights` is required and must name every dimension of the questionnaire: a missing
  one is an error (缺少维度权重), because silently weighing it 0 or 1 would change the composite.
- `item_weights` may name only some items; the rest weigh 1 (contract §2).
- `group_weights`, when not null, must name every respondent group, for the same reason as
  dimensions. A weight of 0 is allowed (it drops that dimension/group) but each set must have a
  positive sum.
- `option_points` must name every option; `null` means "left out of every mean" (e.g. 不了解).
  Points lie between 0 and 100: scores are on 0–100 (contract §5), and a scheme giving 150 made a
  composite of 130.
- `item_weights` and `min_cell` given as null are taken as not given (their defaults); a whole
  number written as a float (`"min_cell": 5.0`) is that integer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

NOT_AN_OBJECT = "方案必须是 JSON 对象（the scheme must be a JSON object）"
KNOWN_KEYS = ("option_points", "dimension_weights", "item_weights", "group_weights", "min_cell")


class SchemeError(ValueError):
    """A scheme that cannot be used; `.errors` is {field: [message, ...]}."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' / '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Scheme:
    option_points: dict[str, float | None]
    dimension_weights: dict[str, float]
    item_weights: dict[str, float] = field(default_factory=dict)
    group_weights: dict[str, float] | None = None
    min_cell: int = 5

    def item_weight(self, code: str) -> float:
        return self.item_weights.get(code, 1.0)


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    return {
        "option_points": dict(scheme.option_points),
        "dimension_weights": dict(scheme.dimension_weights),
        "item_weights": dict(scheme.item_weights),
        "group_weights": None if scheme.group_weights is None else dict(scheme.group_weights),
        "min_cell": scheme.min_cell,
    }


def parse_scheme(
    data: Any,
    *,
    options: Sequence[str],
    dimensions: Sequence[str],
    items: Sequence[str],
    groups: Sequence[str],
    item_dimension: Sequence[str] | None = None,
) -> Scheme:
    """Validate `data` (parsed JSON) against the questionnaire's codes and build a Scheme.

    `item_dimension` (dimension of each item, aligned with `items`) lets the check catch a
    dimension whose items all weigh 0.
    """
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not isinstance(data, dict):
        raise SchemeError({"scheme": [NOT_AN_OBJECT]})
    for key in data:
        if key not in KNOWN_KEYS:
            add(key, f"未知字段“{key}”（unknown field {key!r}）")

    points = _option_points(data.get("option_points"), options, add)
    dims = _weights(
        data.get("dimension_weights"),
        dimensions,
        "dimension_weights",
        "维度",
        "dimension",
        add,
        required=True,
    )
    # null stands for "not given" where the contract has a default: every item weighs 1, min_cell 5.
    item_w = _weights(
        _given(data, "item_weights", {}), items, "item_weights", "题目", "item", add, required=False
    )
    if item_w is not None and item_dimension is not None:
        for dim in dict.fromkeys(item_dimension):
            members = [c for c, d in zip(items, item_dimension, strict=False) if d == dim]
            if members and sum(item_w.get(c, 1.0) for c in members) <= 0:
                add(
                    "item_weights",
                    f"维度“{dim}”的题目权重之和必须大于 0"
                    f"（item weights of dimension {dim!r} must sum above 0）",
                )
    group_w = None
    if data.get("group_weights") is not None:
        group_w = _weights(
            data["group_weights"], groups, "group_weights", "群体", "group", add, required=True
        )
    min_cell = _min_cell(_given(data, "min_cell", 5), add)

    if errors:
        raise SchemeError(errors)
    return Scheme(
        option_points=points or {},
        dimension_weights=dims or {},
        item_weights=item_w or {},
        group_weights=group_w,
        min_cell=min_cell,
    )


def _given(data: dict, key: str, default: Any) -> Any:
    value = data.get(key)
    return default if value is None else value


# Weights are relative (scaling them all changes no score); past this their sums overflow.
MAX_WEIGHT = 1e100


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _option_points(raw, options, add) -> dict[str, float | None] | None:
    key = "option_points"
    if raw is None:
        add(key, "缺少选项分值（option_points is required）")
        return None
    if not isinstance(raw, dict):
        add(key, "选项分值必须是对象（option_points must be an object）")
        return None
    result: dict[str, float | None] = {}
    for code, value in raw.items():
        if code not in options:
            add(key, f"未知的选项代码“{code}”（unknown option code {code!r}）")
        elif value is not None and not _is_number(value):
            add(
                key,
                f"选项“{code}”的分值“{value}”不是数字或 null"
                f"（points of {code!r} must be a number or null, got {value!r}）",
            )
        elif value is not None and not 0 <= value <= 100:
            add(
                key,
                f"选项“{code}”的分值 {value} 不在 0 至 100 之间：得分是百分制"
                f"（points of {code!r} must be between 0 and 100, as scores are, got {value!r}）",
            )
        else:
            result[code] = None if value is None else float(value)
    for code in options:
        if code not in raw:
            add(key, f"缺少选项“{code}”的分值（missing points for option {code!r}）")
    if raw and all(v is None for v in raw.values()):
        add(key, "至少一个选项要有分值（at least one option must score points）")
    return result


def _weights(raw, codes, key, zh, en, add, *, required: bool) -> dict[str, float] | None:
    if raw is None:
        add(key, f"缺少{zh}权重（{key} is required）")
        return None
    if not isinstance(raw, dict):
        add(key, f"{zh}权重必须是对象（{key} must be an object）")
        return None
    result: dict[str, float] = {}
    for code, value in raw.items():
        if code not in codes:
            add(key, f"未知的{zh}代码“{code}”（unknown {en} code {code!r}）")
        elif not _is_number(value):
            add(
                key,
                f"{zh}“{code}”的权重“{value}”不是数字（weight of {code!r} must be a number, got {value!r}）",
            )
        elif value < 0:
            add(key, f"{zh}“{code}”的权重 {value} 为负数（weight of {code!r} must not be negative: {value}）")
        elif value > MAX_WEIGHT:
            add(
                key,
                f"{zh}“{code}”的权重 {value:.4g} 过大：权重是相对的，不能超过 1e100"
                f"（weight of {code!r} is too large: weights are relative, at most 1e100, got {value:.4g}）",
            )
        else:
            result[code] = float(value)
    if required:
        for code in codes:
            if code not in raw:
                add(key, f"缺少{zh}“{code}”的权重（missing weight for {en} {code!r}）")
        if raw and sum(result.values()) <= 0 and len(result) == len(raw):
            add(key, f"{zh}权重之和必须大于 0（{key} must sum above 0）")
    return result


def _min_cell(raw, add) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # JSON has one kind of number: 5.0 is 5
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        add(
            "min_cell",
            f"最小单元格人数必须是正整数，收到“{raw}”（min_cell must be a positive integer, got {raw!r}）",
        )
        return 5
    return raw
