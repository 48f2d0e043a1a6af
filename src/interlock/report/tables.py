"""Terminal tables that fit the width they are given, without cutting a word a decision depends on.

A rich table squeezed below its natural width cuts every column, its verdict and decision words
included (`m…`, `decisi`/`on`). Here each column says how it may give way: a `FIXED` column (a
verdict, a decision, a rule id) never does; a `NAME` folds onto more lines past a quarter of the
width; a `MIDDLE` column (a file name) is shortened in the middle, and left out when even that
leaves it too narrow to read; the `REST` column (a reason, a description) folds into whatever room
is left. When the fixed columns leave the rest too little room, each row is stacked instead: its
fixed cells on one line, the others below it, indented, each wrapped under the indent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from io import StringIO

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from interlock.report.common import middle_shorten

GAP = 2
"""Blanks between two columns."""
MIN_MIDDLE = 12
"""A file name shortened below this is no longer recognisable: the column is left out instead."""
MIN_REST = 16
"""The least room a reason or description gets before rows are stacked instead."""
COMFORTABLE_REST = 40
"""The room a reason or description gets, when there is room, before a file name grows past `MIN_MIDDLE`."""


class Fit(Enum):
    """How a column gives way when the table is wider than the terminal."""

    FIXED = "fixed"
    """Never cut, never wrapped."""
    NAME = "name"
    """Folds onto more lines past a quarter of the width (at least 16 cells)."""
    MIDDLE = "middle"
    """Shortened in the middle; left out when too narrow."""
    REST = "rest"
    """Takes the room left and wraps within it."""


@dataclass(frozen=True)
class Column:
    header: str
    fit: Fit


def fitted_table(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int, *, show_header: bool = True
) -> RenderableType:
    """`rows` (one Text per column) laid out within `width` terminal cells."""
    natural = [
        max([cell_len(column.header) if show_header else 0, *(cell_len(row[index].plain) for row in rows)])
        for index, column in enumerate(columns)
    ]
    widths = _widths(columns, natural, width, show_header)
    if widths is None:
        return _stacked(columns, rows, width)
    table = Table(
        box=None, padding=(0, GAP // 2), pad_edge=False, show_edge=False, header_style="bold", show_header=show_header
    )
    kept = [index for index, column_width in enumerate(widths) if column_width > 0]
    for index in kept:
        column, column_width = columns[index], widths[index]
        # A set width keeps rich from squeezing the column when the rest column is long: only it gives way.
        if column.fit is Fit.FIXED or column.fit is Fit.MIDDLE:
            table.add_column(column.header, no_wrap=True, width=column_width)
        elif column.fit is Fit.NAME:
            table.add_column(column.header, overflow="fold", width=column_width)
        else:
            table.add_column(column.header, overflow="fold")
    for row in rows:
        cells = []
        for index in kept:
            cell = row[index]
            if columns[index].fit is Fit.MIDDLE:
                cell = Text(middle_shorten(cell.plain, widths[index]), style=cell.style)
            cells.append(cell)
        table.add_row(*cells)
    return table


def _widths(columns: Sequence[Column], natural: list[int], width: int, show_header: bool) -> list[int] | None:
    """Each column's width (0: left out), or None when the rows must be stacked.

    Everything starts at its least (names at a quarter of the width, the rest at `MIN_REST`, file
    names left out); room left over goes to a file name's `MIN_MIDDLE`, then to the rest column up
    to `COMFORTABLE_REST`, then half each to the names and the file names; the rest column takes
    whatever remains when the table is drawn (the one column whose width is not set)."""
    fits = [column.fit for column in columns]
    widths = [natural[i] if fit is Fit.FIXED else 0 for i, fit in enumerate(fits)]
    for index, fit in enumerate(fits):
        floor = cell_len(columns[index].header) if show_header else 1
        if fit is Fit.NAME:
            widths[index] = max(floor, min(natural[index], max(16, width // 4)))
        elif fit is Fit.REST:
            widths[index] = max(floor, min(natural[index], MIN_REST))
    shown = sum(1 for index, fit in enumerate(fits) if fit is not Fit.MIDDLE or widths[index])
    left = width - sum(widths) - GAP * (shown - 1)
    if left < 0:
        return None
    middle = [index for index, fit in enumerate(fits) if fit is Fit.MIDDLE]
    for index in middle:
        least = min(natural[index], MIN_MIDDLE)
        if least and left >= least + GAP:  # the column brings one more gap with it
            widths[index] = least
            left -= least + GAP
    # A reason squeezed into a narrow column is a tower of fragments: it gets room before names and
    # file names grow (the rest column's width is not set: what is kept back here is what it gets).
    left -= sum(min(natural[i], COMFORTABLE_REST) - widths[i] for i, fit in enumerate(fits) if fit is Fit.REST)
    # Names and file names share what is left: each may take half, then what the other did not need.
    growing = [i for i, fit in enumerate(fits) if fit in (Fit.NAME, Fit.MIDDLE) and widths[i]]
    for share in (left // 2, left):
        for index in growing:
            grow = max(0, min(natural[index] - widths[index], share, left))
            widths[index] += grow
            left -= grow
    return widths


def _stacked(columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int) -> RenderableType:
    """Each row as its names and fixed cells on one line, the other cells on indented lines below."""
    lines: list[RenderableType] = []
    for row in rows:
        first = Text()
        below: list[Text] = []
        for column, cell in zip(columns, row, strict=True):
            if column.fit in (Fit.FIXED, Fit.NAME):
                if first.plain:
                    first.append("  ")
                first.append_text(cell)
            elif cell.plain:
                below.append(cell)
        first.overflow = "fold"
        lines.append(first)
        lines.extend(Padding(_folded(cell), (0, 0, 0, 2)) for cell in below)
    return Group(*lines)


def _folded(cell: Text) -> Text:
    folded = cell.copy()
    folded.overflow = "fold"
    return folded


def rendered(renderable: RenderableType, width: int, *, color: bool = False) -> str:
    """`renderable` as text `width` cells wide, without the blanks rich pads cells with at line ends."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(renderable)
    lines = buffer.getvalue().rstrip("\n").split("\n")
    return "".join(line.rstrip(" ") + "\n" for line in lines)
