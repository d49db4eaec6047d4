"""sympy for the hand derivation: a sigmoid that stays short, and Jacobians shown with their shapes.

The chapters write every Jacobian themselves, as sympy expressions, and multiply them with ``*``.
This module holds only what would distract from that:

- ``sigmoid``  the logistic function as a sympy function: ``σ(3063/2500)`` stays unevaluated at an
  exact argument instead of turning into nested exponentials, and its derivative is ``σ(1 - σ)``;
- ``to_float`` an exact sympy value as numpy floats (a column becomes a 1-D array, like the book's
  vectors);
- ``shaped``   display a matrix with its shape: its symbolic form, then its numbers "evaluated at"
  the point its stage receives;
- ``chain``    display a product the cell computed, with each factor's name and shape, and check
  that the shapes chain and the value is that product;
- ``latex_name`` the course's plain names (``J_W2(L2)``, ``dE/dz2``) in LaTeX.

``shaped`` and ``chain`` return a :class:`Shown`: LaTeX in the book, plain text (which nbval
compares) elsewhere. Numbers are rounded for display only; the values stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .printing import fmt

__all__ = ["sigmoid", "to_float", "latex_name", "Shown", "shaped", "chain"]


class sigmoid(sp.Function):
    """The logistic sigmoid ``σ(z) = 1 / (1 + exp(-z))``.

    At an exact argument it stays unevaluated (``σ(3063/2500)``); ``float``/``evalf`` give its
    digits, and a float argument evaluates at once. Its derivative is ``σ(z)(1 - σ(z))``.
    """

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


def _float(expr: sp.Basic) -> float:
    return float(sp.N(expr, 30))


def to_float(value):
    """An exact value as numbers: a scalar gives a float, a column (n × 1, including 1 × 1) a 1-D
    float64 array, like the book's vectors, and any other matrix a 2-D float64 array."""
    if isinstance(value, sp.MatrixBase):
        if value.free_symbols:
            names = ", ".join(sorted(map(str, value.free_symbols)))
            raise ValueError(f"value has free symbols {names}; evaluate it at numbers first")
        array = np.array([[_float(e) for e in value.row(i)] for i in range(value.rows)], dtype=np.float64)
        return array[:, 0] if value.cols == 1 else array
    expr = sp.sympify(value)
    if expr.free_symbols:
        names = ", ".join(sorted(map(str, expr.free_symbols)))
        raise ValueError(f"value has free symbols {names}; evaluate it at numbers first")
    return _float(expr)


# --------------------------------------------------------------------------------------------------
# Names: one plain notation, two renderings

_SYMBOLS = {"σ": r"\sigma", "η": r"\eta", "∘": r"\circ", "·": r"\cdot", "×": r"\times", "≈": r"\approx",
            "∂": r"\partial", "∇": r"\nabla"}
_WORDS = {"relu": r"\operatorname{relu}", "sigmoid": r"\sigma", "vec": r"\operatorname{vec}",
          "diag": r"\operatorname{diag}"}
_TOKEN = re.compile(r"[A-Za-z]+\d*|δ\d*|\d+|.", re.S)


def _word(word: str) -> str:
    head, number = re.fullmatch(r"([A-Za-z]+?)(\d*)", word).groups()
    if head in _WORDS:
        return _WORDS[head] + (f"_{{{number}}}" if number else "")
    if len(head) == 2 and head[0] == "d":  # dE, dW2, db1: a partial derivative
        return r"\partial " + _word(head[1:] + number)
    if len(head) > 1:
        return rf"\text{{{word}}}"
    if head in "LI" or (head == "J" and not number):
        return head + (f"_{{{number}}}" if number else "")
    if head.islower():
        return rf"\mathbf{{{head}}}" + (f"^{{({number})}}" if number else "")
    return head + (f"^{{({number})}}" if number else "")


def latex_name(name: str) -> str:
    """LaTeX for the course's plain notation: ``J_W2(L2)`` → ``J_{W^{(2)}}(L_{2})``, ``a1`` → bold
    a⁽¹⁾, ``σ`` → ``\\sigma``, ``dE/dW2`` → ∂E/∂W⁽²⁾, ``δ2ᵀ`` → δ⁽²⁾⊤. Lower-case letters are
    vectors (bold), upper-case letters matrices; a trailing number is the layer."""
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}, expected a str")
    out: list[str] = []
    tokens = _TOKEN.findall(name)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "_" and i + 1 < len(tokens):
            out.append("_{" + latex_name(tokens[i + 1]) + "}")
            i += 2
            continue
        if token == " " and any(re.fullmatch(r"[A-Za-z]{2,}", t) and t not in _WORDS
                                for t in tokens[max(i - 1, 0):i + 2:2]):
            out.append(r"\ ")  # a space next to a word such as "after" must show in math mode
        elif re.fullmatch(r"[A-Za-z]+\d*", token):
            out.append(_word(token))
        elif re.fullmatch(r"δ\d*", token):
            out.append(r"\boldsymbol{\delta}" + (f"^{{({token[1:]})}}" if token[1:] else ""))
        elif token == "ᵀ" and out:
            out[-1] = "{" + out[-1] + r"}^{\top}"
        elif token in _SYMBOLS:
            out.append(_SYMBOLS[token])
        elif token in "{}":
            out.append("\\" + token)
        else:
            out.append(token)
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# Display


@dataclass(frozen=True)
class Shown:
    """A displayed formula: LaTeX for the book (``_repr_latex_``) and plain text for nbval (repr)."""

    text: str
    latex: str

    def __repr__(self) -> str:
        return self.text

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex}\n$$"


APPROX = r"\approx"
TEXT_WIDTH = 80  # the widest plain-text line, so nothing is cut off in a page column


def _size(m: sp.Matrix) -> str:
    return f"{m.rows}×{m.cols}"


def _tex_size(size: str) -> str:
    return size.replace("×", r" \times ")


def _cells(m: sp.Matrix, decimals: int) -> list[list[str]]:
    """Entries as text: symbols as sympy writes them, integers as integers, other numbers rounded."""
    def cell(e: sp.Basic) -> str:
        if e.free_symbols:
            return sp.sstr(e)
        return str(int(e)) if e.is_Integer else fmt(_float(e), decimals)
    return [[cell(e) for e in m.row(i)] for i in range(m.rows)]


def _text_rows(m: sp.Matrix, decimals: int) -> list[str]:
    cells = _cells(m, decimals)
    widths = [max(len(row[j]) for row in cells) for j in range(m.cols)]
    return ["[" + ", ".join(c.rjust(w) for c, w in zip(row, widths)) + "]" for row in cells]


def _tex(m: sp.Matrix, decimals: int) -> str:
    if m.free_symbols:
        return sp.latex(m, mat_str="bmatrix", mat_delim="")
    cells = [[c.replace("-", "{-}") for c in row] for row in _cells(m, decimals)]
    if m.rows == 1:  # a row: narrower gaps than a matrix's columns, so 1 × 9 fits a page column
        return r"\left[\, " + r" \;\; ".join(cells[0]) + r" \,\right]"
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(row) for row in cells) + r" \end{bmatrix}"


def _check_decimals(decimals) -> None:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
        raise ValueError(f"decimals is {decimals!r}, expected an int from 0 to 12")


def shaped(name: str, *forms, at: str | None = None, decimals: int = 4) -> Shown:
    """Show the matrix ``name`` with its shape, in each of ``forms`` in turn: a form with symbols as
    sympy writes it, a form of numbers rounded to ``decimals`` places (integers stay integers).

    ``at`` (plain notation, e.g. ``"z = z2"``) names the point the numbers are evaluated at.
    Every form must have the same shape.
    """
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}, expected a str")
    if at is not None and not isinstance(at, str):
        raise TypeError(f"at is a {type(at).__name__}, expected a str such as 'z = z2'")
    _check_decimals(decimals)
    if not forms:
        raise ValueError("forms is empty, expected at least one matrix to show")
    mats = [_matrix(f"forms[{i}]", f) for i, f in enumerate(forms)]
    if len({m.shape for m in mats}) > 1:
        listed = ", ".join(f"forms[{i}] is {_size(m)}" for i, m in enumerate(mats))
        raise ValueError(f"forms have different shapes: {listed}; expected one shape")
    size = _size(mats[0])
    tex_name = latex_name(name)
    labels = [("symbols:" if m.free_symbols else f"at {at}:" if at is not None else "numbers:") for m in mats]
    width = max(len(label) for label in labels)
    lines_tex, lines = [], [f"{name}  ({size})"]
    for k, (m, label) in enumerate(zip(mats, labels)):
        head = rf"\underset{{{_tex_size(size)}}}{{{tex_name}}}" if k == 0 else ""
        if not m.free_symbols and at is not None:
            head = (head or tex_name) + rf"\big|_{{{latex_name(at)}}}"
        exact = bool(m.free_symbols) or all(e.is_Integer for e in m)
        lines_tex.append(f"{head} &{'=' if exact else APPROX} {_tex(m, decimals)}")
        rows = _text_rows(m, decimals)
        if 3 + width + max(len(r) for r in rows) <= TEXT_WIDTH:
            lines += [f"  {label.ljust(width)} {rows[0]}"] + [f"  {' ' * width} {r}" for r in rows[1:]]
        else:  # too wide for one line: the label above, the rows below it
            lines += [f"  {label}"] + [f"    {r}" for r in rows]
    latex = r"\begin{aligned} " + r" \\[4pt] ".join(lines_tex) + r" \end{aligned}"
    return Shown(text="\n".join(lines), latex=latex)


def chain(name: str, factors: Sequence, value, *, decimals: int = 4) -> Shown:
    """Show ``value`` as the product of ``factors`` with every factor's name and shape.

    ``factors`` is a sequence of ``(name, matrix)`` pairs in the order they were multiplied;
    ``value`` is the product the cell computed with ``*``. The shapes must chain (each factor's
    rows equal the previous factor's columns) and ``value`` must equal the product; otherwise a
    ``ValueError`` names the factor that does not fit.
    """
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}, expected a str")
    _check_decimals(decimals)
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence) or not factors:
        raise ValueError("factors is empty or not a list, expected (name, matrix) pairs")
    names, mats = [], []
    for i, pair in enumerate(factors):
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise TypeError(f"factors[{i}] is a {type(pair).__name__}, expected a (name, matrix) pair")
        names.append(pair[0])
        mats.append(_matrix(f"factors[{i}] ({pair[0]})", pair[1]))
    for i in range(1, len(mats)):
        if mats[i].rows != mats[i - 1].cols:
            raise ValueError(
                f"factors[{i}] ({names[i]}) has shape {mats[i].shape}, expected ({mats[i - 1].cols}, n): "
                f"its rows must match the {mats[i - 1].cols} columns of {names[i - 1]}"
            )
    result = _matrix("value", value)
    expected = (mats[0].rows, mats[-1].cols)
    if result.shape != expected:
        raise ValueError(f"value has shape {result.shape}, expected {expected} = the product's shape")
    if not result.free_symbols and not any(m.free_symbols for m in mats):
        product = np.linalg.multi_dot([np.atleast_2d(to_float(m).reshape(m.shape)) for m in mats]
                                      + [np.eye(expected[1])])
        if not np.allclose(to_float(result).reshape(expected), product, rtol=1e-9, atol=1e-12):
            raise ValueError(f"value is not the product of the factors {' · '.join(names)}")
    sizes = [_size(m) for m in mats]
    widths = [max(len(n), len(s)) for n, s in zip(names, sizes)]
    pad = " " * len(name)
    relation = "=" if result.free_symbols or all(e.is_Integer for e in result) else "≈"
    rows = _text_rows(result, decimals)
    if result.rows == 1 and len(pad) + 3 + len(rows[0]) > TEXT_WIDTH:  # a long row: wrap its entries
        cells, rows, line = _cells(result, decimals)[0], [], "["
        for k, c in enumerate(cells):
            piece = c + ("]" if k == len(cells) - 1 else ", ")
            if len(pad) + 3 + len(line) + len(piece.rstrip()) > TEXT_WIDTH:
                rows.append(line.rstrip())
                line = " "
            line += piece
        rows.append(line)
    lines = [f"{name} = " + " · ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
             f"{pad}   " + "   ".join(s.ljust(w) for s, w in zip(sizes, widths)) + f"  ->  {_size(result)}",
             f"{pad} {relation} {rows[0]}"] + [f"{pad}   {r}" for r in rows[1:]]

    def under(tex: str, size: str) -> str:
        return rf"\underset{{{_tex_size(size)}}}{{{tex}}}"

    lhs = under(latex_name(name), _size(result))
    factors_tex = r" \; ".join(under(latex_name(n), s) for n, s in zip(names, sizes))
    tex_relation = "=" if relation == "=" else APPROX
    # Both lines start at the left edge, so a long row is never pushed out of the column.
    latex = (rf"\begin{{aligned}} & {lhs} = {factors_tex} \\[4pt] "
             rf"& \qquad {tex_relation} {_tex(result, decimals)} \end{{aligned}}")
    return Shown(text="\n".join(lines), latex=latex)
