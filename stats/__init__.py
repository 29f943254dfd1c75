"""Scoring engine: numpy and scipy only, no Django (a test enforces it)."""

from stats.compare import compare
from stats.design import DesignEstimate, design_mean, design_total
from stats.explain import explain, render_text
from stats.matrix import SurveyMatrix
from stats.reliability import cronbach_alpha
from stats.result import ScoreResult
from stats.scheme import Scheme, SchemeError, parse_scheme, scheme_to_dict
from stats.scoring import score

__all__ = [
    "DesignEstimate",
    "Scheme",
    "SchemeError",
    "ScoreResult",
    "SurveyMatrix",
    "compare",
    "cronbach_alpha",
    "design_mean",
    "design_total",
    "explain",
    "parse_scheme",
    "render_text",
    "scheme_to_dict",
    "score",
]
