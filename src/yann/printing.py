"""Version-stable printing: fixed decimals, never a framework's repr.

Framework reprs change between releases (``grad_fn=<...>``, ``<tf.Variable 'x:0' ...>``, how many
digits numpy shows). A recorded notebook output must not, so every number a chapter prints goes
through ``fmt`` or ``show``.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Mapping

import numpy as np

from .validate import as_array


def _number(value: float, decimals: int) -> str:
    rounded = round(float(value), decimals) + 0.0  # "+ 0.0" turns -0.0 into 0.0
    return f"{rounded:.{decimals}f}"


def _check_decimals(decimals) -> None:
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise ValueError(f"decimals is {decimals!r}, expected a non-negative int")


def fmt(value, decimals: int = 4) -> str:
    """Format a scalar, vector or matrix (numpy, torch, TensorFlow or nested lists) with fixed decimals.

    Vectors print as ``[0.5740, 0.7480]``; matrices print one row per line, columns aligned.
    """
    _check_decimals(decimals)
    array = as_array("value", value, ndim=(0, 1, 2))
    if array.ndim == 0:
        return _number(array, decimals)
    if array.ndim == 1:
        return "[" + ", ".join(_number(v, decimals) for v in array) + "]"
    cells = [[_number(v, decimals) for v in row] for row in array]
    width = max((len(c) for row in cells for c in row), default=0)
    lines = ["[" + ", ".join(c.rjust(width) for c in row) + "]" for row in cells]
    return "[" + ",\n ".join(lines) + "]"


def show(label: str, value, decimals: int = 4) -> None:
    """Print ``label = value`` with fixed decimals; matrix rows line up under the first."""
    if not isinstance(label, str):
        raise TypeError(f"label is a {type(label).__name__}, expected a str")
    text = fmt(value, decimals)
    indent = " " * (len(label) + 3)
    print(f"{label} = " + text.replace("\n", "\n" + indent))


class Table(str):
    """The text of a table (a ``str``: print it, compare it, join it), that also shows as an HTML
    ``<table>`` when it is the last expression of a notebook cell.

    ``str()``, ``repr()`` and ``print()`` all give the same plain text, so a recorded
    ``text/plain`` output does not change; ``_repr_html_`` gives the table with a header row, the
    row names as row headers and numbers right-aligned (class ``yann-table``, styled by the book).
    """

    header: tuple[str, ...]
    body: tuple[tuple[str, ...], ...]

    def __new__(cls, text: str, header: list[str], body: list[list[str]]) -> Table:
        self = super().__new__(cls, text)
        self.header = tuple(header)
        self.body = tuple(tuple(row) for row in body)
        return self

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain
        printer.text(str(self))

    def _repr_html_(self) -> str:
        e = html.escape
        corner, *columns = self.header
        head = f"<td>{e(corner)}</td>" + "".join(f'<th scope="col">{e(c)}</th>' for c in columns)
        rows = [
            f'<tr><th scope="row">{e(name)}</th>' + "".join(f"<td>{e(v)}</td>" for v in cells) + "</tr>"
            for name, *cells in self.body
        ]
        return ('<table class="yann-table">\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
                + "\n".join(rows) + "\n</tbody>\n</table>")


def table(rows: dict[str, dict[str, object]], decimals: int = 4) -> Table:
    """A table: one row per key of ``rows``, one column per key of the inner dicts.

    Numbers are formatted with ``decimals`` places (they must be finite); other values with ``str``;
    ``None`` leaves the cell empty. The result is the plain text (a ``str`` whose ``print`` shows
    aligned columns under a header and a rule) and also shows as an HTML table when it ends a cell.
    """
    _check_decimals(decimals)
    if not isinstance(rows, Mapping):
        raise TypeError(f"rows is a {type(rows).__name__}, expected a dict of dicts (row name -> column -> value)")
    columns: list[str] = []
    for name, cells in rows.items():
        if not isinstance(cells, Mapping):
            raise TypeError(f"rows[{name!r}] is a {type(cells).__name__}, expected a dict (column -> value)")
        for column, v in cells.items():
            if isinstance(v, (float, np.floating)) and not np.isfinite(v):
                raise ValueError(f"rows[{name!r}][{column!r}] is {v}, expected a finite number")
        columns += [c for c in cells if c not in columns]

    def cell(v) -> str:
        if v is None:
            return ""
        if _is_number(v):
            return _number(v, decimals)
        return str(v)

    body = [[str(name)] + [cell(cells.get(c)) for c in columns] for name, cells in rows.items()]
    header = [""] + [str(c) for c in columns]
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in body:
        lines.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
    return Table("\n".join(lines), header, body)


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, (bool, np.bool_))


def expect_error(*types: type[BaseException], contains: str | None = None, show_message: bool = True):
    """A ``with`` block that must raise one of ``types``; prints ``TypeName: first line of message``.

    For cells that demonstrate an error: the notebook records a short, path-free line instead of a
    traceback, and the cell fails if the error does not happen. ``contains`` (if given) must occur
    in the message; ``show_message=False`` prints only the type, for messages that change between
    library releases.
    """
    if not types:
        raise ValueError("types is empty, expected at least one exception class")
    for i, t in enumerate(types):
        if not (isinstance(t, type) and issubclass(t, BaseException)):
            raise TypeError(f"types[{i}] is {t!r}, expected an exception class such as ValueError")
    return _expecting(types, contains, show_message)


@contextlib.contextmanager
def _expecting(types, contains, show_message):
    try:
        yield
    except types as error:
        message, kind = str(error).strip(), type(error).__name__
        if contains is not None and contains not in message:
            raise AssertionError(f"{kind} message lacks {contains!r}: {message}") from error
        print(f"{kind}: {message.splitlines()[0] if message else ''}" if show_message else f"{kind} raised")
    else:
        raise AssertionError(f"expected {', '.join(t.__name__ for t in types)}, but the block ran without error")
