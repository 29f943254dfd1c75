"""Arranging quota cells for the page: one table per respondent group, villages down, age bands across."""

from dataclasses import dataclass

from surveys.models import AgeBand, Group, Village
from surveys.selectors_progress import Cell


@dataclass(frozen=True)
class Column:
    """An age band's column; without one, the column of the quotas over every age band (合计),
    or, with `not_given`, of the responses of a group sampled by age band that came without one
    (a paper sheet or an imported row left blank): no quota asks for them, and they are no total."""

    band: AgeBand | None
    not_given: bool = False

    @property
    def order(self) -> tuple:
        if self.not_given:
            return (1, 0, "")
        return (0, -1, "") if self.band is None else (0, self.band.order, self.band.code)


@dataclass
class Row:
    village: Village | None
    cells: list[Cell | None]  # one per column; None where no quota and no response


@dataclass
class GroupTable:
    group: Group
    columns: list[Column]
    rows: list[Row]


def _order(part) -> tuple:
    return (-1, "") if part is None else (part.order, part.code)


def _column(cell: Cell) -> Column:
    not_given = cell.age_band is None and cell.target is None and cell.group.by_village
    return Column(band=cell.age_band, not_given=not_given)


def group_tables(cells: list[Cell]) -> list[GroupTable]:
    tables: dict[int, dict] = {}
    for cell in cells:
        table = tables.setdefault(
            cell.group.pk, {"group": cell.group, "cells": {}, "villages": {}, "columns": {}}
        )
        column = _column(cell)
        key = (column.band.pk if column.band else None, column.not_given)
        table["cells"][(cell.village.pk if cell.village else None, key)] = cell
        table["villages"][cell.village.pk if cell.village else None] = cell.village
        table["columns"][key] = column
    result = []
    for table in sorted(tables.values(), key=lambda t: (t["group"].order, t["group"].code)):
        columns = sorted(table["columns"].items(), key=lambda kv: kv[1].order)
        rows = [
            Row(
                village=village,
                cells=[
                    table["cells"].get((village.pk if village else None, key)) for key, _column in columns
                ],
            )
            for village in sorted(table["villages"].values(), key=_order)
        ]
        result.append(GroupTable(group=table["group"], columns=[c for _key, c in columns], rows=rows))
    return result
