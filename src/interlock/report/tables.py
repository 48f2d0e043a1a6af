"""Terminal tables that fit the width they are given, without cutting a word a decision depends on.

A rich table squeezed below its natural width cuts every column, its verdict and decision words
included (`m…`, `decisi`/`on`). Here each column says how it may give way: a `FIXED` column (a
verdict, a decision, a rule id) never does; a `NAME` folds onto more lines past a third of the
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
MIN_REST = 24
"""The room a reason or description needs to read as prose rather than a column of fragments."""


class Fit(Enum):
    """How a column gives way when the table is wider than the terminal."""

    FIXED = "fixed"
    """Never cut, never wrapped."""
    NAME = "name"
    """Folds onto more lines past a third of the width."""
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
        if column.fit is Fit.FIXED:
            table.add_column(column.header, no_wrap=True, min_width=column_width)
        elif column.fit is Fit.MIDDLE:
            table.add_column(column.header, no_wrap=True, min_width=column_width, max_width=column_width)
        elif column.fit is Fit.NAME:
            table.add_column(column.header, overflow="fold", max_width=column_width)
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
    """Each column's width (0: left out), or None when the row must be stacked."""
    widths = list(natural)
    name_limit = max(16, width // 3)
    for index, column in enumerate(columns):
        if column.fit is Fit.NAME:
            floor = cell_len(column.header) if show_header else 1
            widths[index] = max(floor, min(natural[index], name_limit))
    rest = [index for index, column in enumerate(columns) if column.fit is Fit.REST]
    rest_room = sum(min(natural[index], MIN_REST) for index in rest)
    middle = [index for index, column in enumerate(columns) if column.fit is Fit.MIDDLE]
    for index in middle:
        widths[index] = 0
    used = sum(w for i, w in enumerate(widths) if i not in rest) + rest_room
    shown = sum(1 for i, w in enumerate(widths) if w > 0 or i in rest)
    if used + GAP * (shown - 1) > width:
        return None
    for index in middle:
        room = width - used - GAP * shown  # the column brings one more gap with it
        if room >= min(MIN_MIDDLE, natural[index]):
            widths[index] = min(natural[index], room)
            used += widths[index]
            shown += 1
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
