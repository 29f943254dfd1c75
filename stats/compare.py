"""Year over year: differences between two score results sharing codes.

The two years are independent samples, so Var(b − a) = se_a² + se_b²; the 95% CI uses the
normal quantile 1.96 (each year's t df differ, and pooling them has no single right answer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from stats.result import ScoreResult, plain

Z95 = 1.959963984540054


@dataclass
class Difference:
    code: str
    a: float | None
    b: float | None
    difference: float | None  # b − a
    se: float | None
    ci95: tuple[float, float] | None


@dataclass
class Comparison:
    composite: Difference
    dimensions: list[Difference]
    items: list[Difference]
    only_in_a: dict[str, list[str]] = field(default_factory=dict)
    only_in_b: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return plain(asdict(self))


def compare(result_a: ScoreResult, result_b: ScoreResult) -> Comparison:
    """b − a for the composite, every shared dimension and item; unshared codes listed."""
    out = Comparison(
        composite=_diff("composite", result_a.composite, result_b.composite),
        dimensions=[],
        items=[],
    )
    for kind in ("dimensions", "items"):
        a = {x.code: x for x in getattr(result_a, kind)}
        b = {x.code: x for x in getattr(result_b, kind)}
        getattr(out, kind).extend(_diff(code, a[code], b[code]) for code in a if code in b)
        out.only_in_a[kind] = [c for c in a if c not in b]
        out.only_in_b[kind] = [c for c in b if c not in a]
    return out


SCORING_KEYS = ("option_points", "dimension_weights", "item_weights", "group_weights")


def compare_documents(document_a: dict, document_b: dict) -> Comparison:
    """`compare` of two score documents (contract §5): what a page shows of a published survey is
    its frozen document, not a result computed again."""

    def result(document: dict) -> SimpleNamespace:
        return SimpleNamespace(
            composite=SimpleNamespace(**document["composite"]),
            dimensions=[SimpleNamespace(**d) for d in document["dimensions"]],
            items=[SimpleNamespace(**i) for i in document["items"]],
        )

    return compare(result(document_a), result(document_b))


def same_scoring(document_a: dict, document_b: dict) -> bool:
    """Whether two documents were scored alike (points and weights): otherwise a difference is
    partly the scheme's and not only the respondents'."""
    a, b = document_a.get("scheme") or {}, document_b.get("scheme") or {}
    return all(a.get(key) == b.get(key) for key in SCORING_KEYS)


def _diff(code: str, a, b) -> Difference:
    sa, sb = _num(a.score), _num(b.score)
    ea, eb = _num(a.se), _num(b.se)
    if sa is None or sb is None:
        return Difference(code, sa, sb, None, None, None)
    d = sb - sa
    se = math.sqrt(ea**2 + eb**2) if ea is not None and eb is not None else None
    ci = None if se is None else (d - Z95 * se, d + Z95 * se)
    return Difference(code, sa, sb, d, se, ci)


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)
