"""Test data built in code: a hand-checkable tiny survey and a seeded generator of big ones."""

from __future__ import annotations

import numpy as np

from stats.matrix import SurveyMatrix
from stats.scheme import Scheme

OPTIONS = ["satisfied", "basically_satisfied", "dissatisfied", "dont_know"]
SAT, BASIC, DISSAT, DK, BLANK = 0, 1, 2, 3, -1


def default_scheme(**changes) -> Scheme:
    fields = dict(
        option_points={"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
        dimension_weights={"economy": 0.5, "ecology": 0.5},
        item_weights={},
        group_weights=None,
        min_cell=1,
    )
    fields.update(changes)
    return Scheme(**fields)


def tiny_matrix(**changes) -> SurveyMatrix:
    """8 respondents: 6 villagers in villages A and B (3 each), 2 staff without a village.

    income (economy), air and water (ecology). One 不了解 (r2 air) and one blank (r5 water).
    """
    answers = np.array(
        [
            # income  air    water
            [SAT, SAT, BASIC],  # r1 villager A
            [BASIC, DK, SAT],  # r2 villager A
            [SAT, BASIC, DISSAT],  # r3 villager A
            [DISSAT, SAT, SAT],  # r4 villager B
            [BASIC, SAT, BLANK],  # r5 villager B
            [SAT, BASIC, BASIC],  # r6 villager B
            [SAT, SAT, SAT],  # r7 staff
            [BASIC, DISSAT, BASIC],  # r8 staff
        ],
        dtype=np.int8,
    )
    fields = dict(
        item_codes=["income", "air", "water"],
        item_dimension=["economy", "ecology", "ecology"],
        dimension_codes=["economy", "ecology"],
        option_codes=OPTIONS,
        answers=answers,
        group=np.array([0, 0, 0, 0, 0, 0, 1, 1]),
        group_codes=["villager", "staff"],
        group_population=[None, None],
        group_clustered=[True, False],
        village=np.array([0, 0, 0, 1, 1, 1, -1, -1]),
        village_codes=["A", "B"],
        age_band=np.array([0, 1, 0, 1, 0, 1, -1, -1]),
        age_band_codes=["18-44", "45+"],
    )
    fields.update(changes)
    return SurveyMatrix(**fields)


def generated_matrix(
    n: int,
    *,
    seed: int = 1,
    items: int = 12,
    villages: int = 17,
    dont_know: float = 0.05,
    blank: float = 0.02,
    populations: tuple = (40, None, None),
) -> SurveyMatrix:
    """Synthetic survey: group 0 villagers clustered by village, groups 1–2 unclustered.

    Village effects make the clustering matter; 4 dimensions share the items round-robin.
    """
    rng = np.random.default_rng(seed)
    group = rng.choice(3, size=n, p=[0.8, 0.12, 0.08])
    village = np.where(group == 0, rng.integers(0, villages, size=n), -1)
    age = np.where(group == 0, rng.integers(0, 4, size=n), -1)
    village_effect = rng.normal(0, 0.6, size=villages + 1)[village + 1] * (group == 0)
    latent = rng.normal(0, 1, size=(n, 1)) + village_effect[:, None] + rng.normal(0, 0.7, size=(n, items))
    answers = np.where(latent > -0.2, SAT, np.where(latent > -1.3, BASIC, DISSAT)).astype(np.int8)
    roll = rng.random((n, items))
    answers[roll < dont_know] = DK
    answers[(roll >= dont_know) & (roll < dont_know + blank)] = BLANK
    dims = ["economy", "ecology", "safety", "governance"]
    return SurveyMatrix(
        item_codes=[f"q{j}" for j in range(items)],
        item_dimension=[dims[j % 4] for j in range(items)],
        dimension_codes=dims,
        option_codes=OPTIONS,
        answers=answers,
        group=group,
        group_codes=["villager", "staff", "deputy"],
        group_population=list(populations),
        group_clustered=[True, False, False],
        village=village,
        village_codes=[f"v{i}" for i in range(villages)],
        age_band=age,
        age_band_codes=["18-29", "30-44", "45-59", "60+"],
    )


def four_dimension_scheme(**changes) -> Scheme:
    return default_scheme(
        dimension_weights={"economy": 0.25, "ecology": 0.25, "safety": 0.25, "governance": 0.25},
        **changes,
    )
