"""Arranging quota cells for the page: one table per respondent group, villages down, age bands across."""

from dataclasses import dataclass

from surveys.models import AgeBand, Group, Village
from surveys.selectors_progress import Cell


@dataclass
class Row:
    village: Village | None
    cells: list[Cell | None]  # one per column; None where no quota and no response
    received: int
    target: int


@dataclass
class GroupTable:
    group: Group
    columns: list[AgeBand | None]
    rows: list[Row]


def _order(part) -> tuple:
    return (-1, "") if part is None else (part.order, part.code)


def group_tables(cells: list[Cell]) -> list[GroupTable]:
    tables: dict[int, dict] = {}
    for cell in cells:
        table = tables.setdefault(
            cell.group.pk, {"group": cell.group, "cells": {}, "villages": {}, "bands": {}}
        )
        table["cells"][
            (cell.village.pk if cell.village else None, cell.age_band.pk if cell.age_band else None)
        ] = cell
        table["villages"][cell.village.pk if cell.village else None] = cell.village
        table["bands"][cell.age_band.pk if cell.age_band else None] = cell.age_band
    result = []
    for table in sorted(tables.values(), key=lambda t: (t["group"].order, t["group"].code)):
        bands = sorted(table["bands"].values(), key=_order)
        rows = []
        for village in sorted(table["villages"].values(), key=_order):
            row_cells = [
                table["cells"].get((village.pk if village else None, band.pk if band else None))
                for band in bands
            ]
            present = [c for c in row_cells if c is not None]
            rows.append(
                Row(
                    village=village,
                    cells=row_cells,
                    received=sum(c.received for c in present),
                    target=sum(c.target or 0 for c in present),
                )
            )
        result.append(GroupTable(group=table["group"], columns=bands, rows=rows))
    return result
