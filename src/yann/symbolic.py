"""sympy for the hand derivation: a sigmoid that stays short, and Jacobians shown with their shapes.

The chapters write every Jacobian as a sympy expression and multiply them with ``*``; this module
holds what would distract from that: ``sigmoid``, ``to_float``, and the displays ``shaped`` (a
matrix's symbolic form, then its numbers at a point) and ``chain`` (a product with every factor's
shape, checked). Names and points are LaTeX; a display is a :class:`Shown`, whose plain repr is
its LaTeX source. Numbers are rounded for display only; the values stay exact.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .printing import fmt

__all__ = ["sigmoid", "to_float", "Shown", "shaped", "chain"]


class sigmoid(sp.Function):
    """The logistic sigmoid ``1 / (1 + exp(-z))``: unevaluated at an exact argument
    (``σ(3063/2500)``), evaluated at a float; its derivative is ``σ(z)(1 - σ(z))``."""

    is_real = True

    @classmethod
    def eval(cls, z):
        if z is sp.S.Zero:
            return sp.S.Half
        if z.is_Float:
            return 1 / (1 + sp.exp(-z))
        return None

    def fdiff(self, argindex: int = 1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_is_positive(self):
        return True if self.args[0].is_extended_real else None

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _eval_evalf(self, prec):
        z = self.args[0]._eval_evalf(prec)
        if z is None or not z.is_Number:
            return None
        return (1 / (1 + sp.exp(-z)))._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        text = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _sympystr(self, printer):
        return f"σ({printer._print(self.args[0])})"


def _matrix(name: str, value) -> sp.Matrix:
    """``value`` as a sympy Matrix (a 1-D list or array becomes a column), or raise naming ``name``."""
    if isinstance(value, sp.MatrixBase):
        m = sp.Matrix(value)
    elif isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value, dtype=object)
        if array.ndim not in (1, 2) or 0 in array.shape:
            raise ValueError(f"{name} has shape {array.shape}, expected a non-empty 1-D or 2-D array")
        m = sp.Matrix(array.reshape(array.shape[0], -1).tolist()).applyfunc(sp.sympify)
    else:
        raise TypeError(f"{name} is a {type(value).__name__}, expected a sympy Matrix or an array")
    if any(e.has(sp.nan, sp.oo, -sp.oo, sp.zoo) for e in m):
        raise ValueError(f"{name} holds non-finite values (nan or inf); expected finite numbers")
    return m


def to_float(value):
    """An exact value as numbers: a scalar gives a float, a column (n × 1, including 1 × 1) a 1-D
    float64 array, like the book's vectors, and any other matrix a 2-D float64 array."""
    expr = value if isinstance(value, sp.MatrixBase) else sp.sympify(value)
    if expr.free_symbols:
        names = ", ".join(sorted(map(str, expr.free_symbols)))
        raise ValueError(f"value has free symbols {names}; evaluate it at numbers first")
    if not isinstance(expr, sp.MatrixBase):
        return float(sp.N(expr, 30))
    array = np.array([float(sp.N(e, 30)) for e in expr], dtype=np.float64).reshape(expr.shape)
    return array[:, 0] if expr.cols == 1 else array


@dataclass(frozen=True)
class Shown:
    """A displayed formula: the book renders ``_repr_latex_``; the plain repr is the LaTeX source."""

    latex: str

    def __repr__(self) -> str:
        return self.latex

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex}\n$$"


def _aligned(rows: list[str]) -> Shown:
    """Rows of an aligned environment; the source is wrapped at spaces to 80 columns, as nbval and
    a plain-text front end show it."""
    rows = [row + r" \\[4pt]" for row in rows[:-1]] + rows[-1:]
    wrapped = [textwrap.fill(row, 80, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
               for row in rows]
    return Shown("\\begin{aligned}\n" + "\n".join(wrapped) + "\n\\end{aligned}")


def _under(tex: str, m: sp.Matrix) -> str:
    return rf"\underset{{{m.rows} \times {m.cols}}}{{{tex}}}"


def _relation(m: sp.Matrix) -> str:
    return "=" if m.free_symbols or all(e.is_Integer for e in m) else r"\approx"


def _tex(m: sp.Matrix, decimals: int) -> str:
    """Symbols as sympy writes them; integers as integers, other numbers rounded."""
    if m.free_symbols:
        return sp.latex(m, mat_str="bmatrix", mat_delim="")
    cells = [[str(int(e)) if e.is_Integer else fmt(float(sp.N(e, 30)), decimals).replace("-", "{-}")
              for e in m.row(i)] for i in range(m.rows)]
    if m.rows == 1:  # a row: narrower gaps than a matrix's columns, so 1 × 9 fits a page column
        return r"\left[\, " + r" \;\, ".join(cells[0]) + r" \,\right]"
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(row) for row in cells) + r" \end{bmatrix}"


def _check(name, decimals) -> None:
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}, expected a str")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
        raise ValueError(f"decimals is {decimals!r}, expected an int from 0 to 12")


def shaped(name: str, *forms, at: str | None = None, decimals: int = 4) -> Shown:
    """Show the matrix ``name`` (LaTeX) with its shape, in each of ``forms`` (all of one shape) in
    turn; a form of numbers is marked as evaluated ``at`` the point given (LaTeX), if any."""
    _check(name, decimals)
    if at is not None and not isinstance(at, str):
        raise TypeError(f"at is a {type(at).__name__}, expected a str of LaTeX")
    if not forms:
        raise ValueError("forms is empty, expected at least one matrix to show")
    mats = [_matrix(f"forms[{i}]", f) for i, f in enumerate(forms)]
    if len({m.shape for m in mats}) > 1:
        listed = ", ".join(f"forms[{i}] is {m.rows}×{m.cols}" for i, m in enumerate(mats))
        raise ValueError(f"forms have different shapes: {listed}; expected one shape")
    lines = []
    for k, m in enumerate(mats):
        head = _under(name, m) if k == 0 else ""
        if not m.free_symbols and at is not None:
            head = (head or name) + rf"\big|_{{{at}}}"
        lines.append(f"{head} &{_relation(m)} {_tex(m, decimals)}")
    return _aligned(lines)


def chain(name: str, factors: Sequence, value, *, decimals: int = 4) -> Shown:
    """Show ``value``, the product the cell computed, as ``name`` (LaTeX) = the product of
    ``factors``, ``(name, matrix)`` pairs in the order multiplied, each with its shape. Refuses
    factors whose shapes do not chain, and a ``value`` (of numbers) that is not their product."""
    _check(name, decimals)
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence) or not factors:
        raise ValueError("factors is empty or not a list, expected (name, matrix) pairs")
    names, mats = [], []
    for i, pair in enumerate(factors):
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise TypeError(f"factors[{i}] is a {type(pair).__name__}, expected a (name, matrix) pair")
        names.append(pair[0])
        mats.append(_matrix(f"factors[{i}] ({pair[0]})", pair[1]))
        if i and mats[i].rows != mats[i - 1].cols:
            raise ValueError(
                f"factors[{i}] ({names[i]}) has shape {mats[i].shape}, expected ({mats[i - 1].cols}, n): "
                f"its rows must match the {mats[i - 1].cols} columns of {names[i - 1]}"
            )
    result = _matrix("value", value)
    expected = (mats[0].rows, mats[-1].cols)
    if result.shape != expected:
        raise ValueError(f"value has shape {result.shape}, expected {expected} = the product's shape")
    if not any(m.free_symbols for m in mats + [result]):
        product = np.linalg.multi_dot([np.reshape(to_float(m), m.shape) for m in mats] + [np.eye(expected[1])])
        if not np.allclose(np.reshape(to_float(result), expected), product, rtol=1e-9, atol=1e-12):
            raise ValueError(f"value is not the product of the factors {' · '.join(names)}")
    factors_tex = r" \; ".join(_under(n, m) for n, m in zip(names, mats))
    # The value's line starts at the left edge too, so a long row is never pushed out of the column.
    return _aligned([f"& {_under(name, result)} = {factors_tex}",
                     rf"& \quad {_relation(result)} {_tex(result, decimals)}"])
