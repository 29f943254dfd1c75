"""Small cells in the anonymised answers: no released (village, group, age band) fewer than min_cell.

The breakdowns hide a cell with fewer than `min_cell` responses; the anonymised answers (the
XLSX 原始数据 sheet and the SPSS file) must not let anyone count it back, nor read off how the
two deputies of one village answered. So before release the answers are made k-anonymous on
(village, group, age band), k = min_cell, by local suppression, coarsest part last:

1. within each village × group, the age band of every cell with fewer than k responses is
   withheld; if fewer than k are withheld there, so are as many more as it lacks (else the
   withheld ones would be exactly the small cell), taken from the largest cells that keep k
   without them;
2. within each group, the village (and the age band) of every village × group with fewer than
   k responses is withheld, completed the same way;
3. the group (and the rest) of every group with fewer than k responses, completed the same way
   (two deputies who answered: their group withheld, and three villagers' parts with it).

Afterwards every released combination of the three (a withheld part counts as its own value)
has at least k responses, unless the whole survey has fewer than k. Answers are never touched:
every item's counts stay reproducible from the file. The scores and the data hash are computed
on the full data, before any of this.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence

WITHHELD = "*"  # in place of a withheld village, group or age band code

Record = tuple[str, str, str]  # (village, group, age band) codes; "" where the part does not apply


def _suppress(
    records: list[Record],
    k: int,
    parent: Callable[[Record], Hashable],
    cell: Callable[[Record], Hashable],
    withhold: Callable[[Record], Record],
) -> list[Record]:
    """Within each parent, withhold every cell of fewer than k records; if what is withheld there
    is then fewer than k, withhold as many more records as it lacks, taken from the largest
    combinations that keep k without them (the latest of each), else whole cells, smallest first."""
    out = list(records)
    members: dict[Hashable, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        members[parent(record)].append(index)
    for indexes in members.values():
        sizes = Counter(cell(records[i]) for i in indexes)
        small = {c for c, n in sizes.items() if n < k}
        if not small:
            continue
        chosen = [i for i in indexes if cell(records[i]) in small]
        lacking = k - len(chosen)
        if lacking > 0:
            rest = [i for i in indexes if cell(records[i]) not in small]
            combos: dict[Record, list[int]] = defaultdict(list)
            for i in rest:
                combos[records[i]].append(i)
            spare = sorted(combos.values(), key=lambda rows: (-len(rows), rows[0]))
            extra: list[int] = []
            for rows in spare:
                take = min(len(rows) - k, lacking - len(extra))
                if take > 0:
                    extra += rows[-take:]
            if len(extra) < lacking:  # nothing to spare: whole cells, smallest first
                extra = []
                by_cell: dict[Hashable, list[int]] = defaultdict(list)
                for i in rest:
                    by_cell[cell(records[i])].append(i)
                for rows in sorted(by_cell.values(), key=lambda rows: (len(rows), rows[0])):
                    if len(extra) >= lacking:
                        break
                    extra += rows
            chosen += extra
        for i in chosen:
            out[i] = withhold(out[i])
    return out


def k_anonymous(records: Sequence[Record], k: int) -> list[Record]:
    """The records with parts withheld (WITHHELD) so that every combination occurs ≥ k times."""
    out = list(records)
    if k <= 1:
        return out
    # 1. age bands within village × group
    out = _suppress(out, k, lambda r: (r[0], r[1]), lambda r: r[2], lambda r: (r[0], r[1], WITHHELD))
    # 2. villages (with their age bands) within each group
    out = _suppress(out, k, lambda r: r[1], lambda r: r[0], lambda r: (WITHHELD, r[1], WITHHELD))
    # 3. groups (with everything else)
    return _suppress(out, k, lambda r: None, lambda r: r[1], lambda r: (WITHHELD, WITHHELD, WITHHELD))
