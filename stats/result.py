"""The engine's output: plain dataclasses, and `to_dict` for JSON (floats, NaN → None)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Composite:
    score: float
    se: float
    ci95: tuple[float, float] | None  # None where the SE cannot be estimated (df < 1)
    df: int
    deff: float
    n: int  # respondents with at least one counted answer
    method: str


@dataclass
class Dimension:
    code: str
    weight: float  # dimension weight renormalised over the dimensions with a score
    score: float
    se: float
    ci95: tuple[float, float] | None  # None where the SE cannot be estimated (df < 1)
    deff: float
    n: int


@dataclass
class Item:
    code: str
    dimension: str
    weight: float  # the scheme's item weight (1 unless set)
    composite_weight: float  # a_j: its share in the composite after all renormalising
    score: float
    se: float
    ci95: tuple[float, float] | None  # None where the SE cannot be estimated (df < 1)
    deff: float
    n: int  # counted answers
    dont_know: int  # answers "dont_know" (不了解), the contract's option, whatever it scores
    left_out: int  # answers whose option scores null (under the default scheme: dont_know)
    blank: int
    distribution: dict[str, int]
    # Item mean per group, when groups are weighted: NaN without an answer, None withheld (< min_cell).
    group_scores: dict[str, float | None] | None = None


@dataclass
class Cell:
    code: str
    n: int  # respondents with at least one counted answer (suppression counts these)
    responses: int  # all respondents in the cell
    score: float | None
    se: float | None
    ci95: tuple[float, float] | None
    df: int
    deff: float | None
    suppressed: bool
    method: str
    dimensions: dict[str, float | None]
    village: str | None = None
    group: str | None = None


@dataclass
class ScoreResult:
    composite: Composite
    dimensions: list[Dimension]
    items: list[Item]
    by_village: list[Cell]
    by_group: list[Cell]
    by_age_band: list[Cell]
    by_village_group: list[Cell]
    reliability: dict[str, Any]
    scheme: dict[str, Any]
    design: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain(dataclasses.asdict(self))


def plain(value: Any) -> Any:
    """Recursively turn numpy scalars into Python ones, tuples into lists and NaN into None."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    return value
