"""Backpropagation by hand: the Jacobian of every stage of a dense network, in sympy.

Each function builds the Jacobian of one stage as a sympy ``Matrix`` (rows: the stage's outputs,
columns: its inputs). Give it symbols to see the general form, exact values (``Rational``) to get
exact numbers, or floats:

- ``bce_jacobian(a, y)``      binary cross-entropy averaged over the n outputs: 1 x n
- ``sigmoid_jacobian(z)``     the sigmoid, elementwise: n x n diagonal
- ``relu_jacobian(z)``        ReLU, elementwise: n x n diagonal of 0/1 (0 at z = 0, as frameworks do)
- ``weights_jacobian(a, n_out)``  ``W a + b`` with respect to W flattened row by row: out x (out*in)
- ``bias_jacobian(n_out)``    ``W a + b`` with respect to b: the out x out identity
- ``input_jacobian(W)``       ``W a + b`` with respect to a: W itself

``vector`` and ``matrix`` make symbols, ``evaluate`` puts values into a symbolic Jacobian, ``tidy``
simplifies exact results cheaply, ``to_float`` turns them into numpy, ``flatten``/``unflatten``
convert a weight matrix to and from its row-major list of entries, and ``show`` / ``product``
display Jacobians and their products with each factor's shape, as LaTeX in the book and as plain
text (which nbval compares). ``exact_forward`` and ``exact_gradients`` run the running example's
forward pass and its Jacobian products exactly, and ``exact_running_example`` (cached) gives every
exact value the other chapters check against, the SGD step included.

Two sympy functions keep exact results short: ``sigmoid`` stays unevaluated at exact arguments
(``σ(3063/2500)`` instead of nested exponentials) and ``relu_prime`` is ReLU's derivative, 0 at 0.

Vectors are sympy column matrices (n x 1); numpy 1-D arrays and lists are accepted as columns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .example import RUNNING, Example
from .printing import fmt

__all__ = [
    "sigmoid",
    "relu_prime",
    "relu",
    "vector",
    "matrix",
    "flatten",
    "unflatten",
    "bce_jacobian",
    "sigmoid_jacobian",
    "relu_jacobian",
    "weights_jacobian",
    "bias_jacobian",
    "input_jacobian",
    "tidy",
    "evaluate",
    "to_float",
    "bce_loss",
    "exact_forward",
    "exact_gradients",
    "exact_running_example",
    "latex_name",
    "Shown",
    "Product",
    "show",
    "product",
]


# --------------------------------------------------------------------------------------------------
# Two sympy functions that keep exact results readable


class sigmoid(sp.Function):
    """The logistic sigmoid ``σ(z) = 1 / (1 + exp(-z))``.

    At an exact argument it stays unevaluated, so ``σ(3063/2500) - 1`` reads as it should instead of
    turning into nested exponentials; ``evalf``/``float`` give its digits. Floats evaluate at once.
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


def _sign(value: sp.Basic) -> bool:
    """Whether a real number (exact or not) is positive; raise if its sign cannot be decided."""
    if value.is_Rational or value.is_Float:
        return bool(value > 0)
    approx = sp.N(value, 50)
    if not approx.is_real:
        raise ValueError(f"{value} is not a real number, expected a real argument")
    if abs(approx) < sp.Float("1e-40"):
        raise ValueError(f"the sign of {value} cannot be decided numerically (it is within 1e-40 of 0)")
    return bool(approx > 0)


def relu(value):
    """ReLU of an exact number or expression: ``max(value, 0)``, with the sign decided numerically
    (to 50 digits) where it is not a plain number, which is much faster than sympy's ``Max``."""
    value = sp.sympify(value)
    if value.is_number:
        return value if _sign(value) else sp.S.Zero
    return sp.Max(value, 0)


class relu_prime(sp.Function):
    """The derivative of ReLU: 1 where ``z > 0``, 0 where ``z <= 0``.

    ReLU has no derivative at 0; PyTorch and TensorFlow use 0 there, and so does this function.
    """

    is_integer = True
    is_nonnegative = True

    @classmethod
    def eval(cls, z):
        if z.is_number:
            return sp.S.One if _sign(z) else sp.S.Zero
        if z.is_extended_positive:
            return sp.S.One
        if z.is_extended_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1):
        return sp.S.Zero

    def _latex(self, printer, exp=None):
        text = rf"\operatorname{{relu}}'\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _sympystr(self, printer):
        return f"relu'({printer._print(self.args[0])})"


# --------------------------------------------------------------------------------------------------
# Symbols, conversion and checks


def vector(name: str, n: int) -> sp.ImmutableMatrix:
    """A column of ``n`` real symbols ``name_1 … name_n`` (immutable, so it can key ``evaluate``)."""
    _check_size("n", n)
    return sp.ImmutableMatrix([sp.Symbol(f"{name}_{k}", real=True) for k in range(1, n + 1)])


def matrix(name: str, rows: int, cols: int) -> sp.ImmutableMatrix:
    """A ``rows`` x ``cols`` matrix of real symbols ``name_11 …`` (row index first)."""
    _check_size("rows", rows)
    _check_size("cols", cols)
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def _check_size(name: str, n) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} is {n!r}, expected a positive int")


_NON_FINITE = (sp.S.NaN, sp.S.Infinity, sp.S.NegativeInfinity, sp.S.ComplexInfinity)


def _finite(name: str, m: sp.Matrix) -> sp.Matrix:
    """``m`` itself, or raise if an entry is or holds nan or an infinity."""
    if any(entry.has(*_NON_FINITE) for entry in m):
        raise ValueError(f"{name} holds non-finite values (nan or inf); expected finite numbers")
    return m


def _as_matrix(name: str, value) -> sp.Matrix:
    """``value`` as a sympy Matrix of finite entries; a 1-D sequence or array becomes a column."""
    if isinstance(value, sp.MatrixBase):
        return _finite(name, sp.Matrix(value))
    if isinstance(value, sp.Basic):
        raise TypeError(f"{name} is a sympy {type(value).__name__}, expected a Matrix or a 1-D/2-D array")
    try:
        array = np.asarray(value, dtype=object)
    except (TypeError, ValueError) as error:  # pragma: no cover - ragged input
        raise TypeError(f"{name} must be a sympy Matrix or array-like, got {type(value).__name__}") from error
    if array.ndim == 1:
        return _finite(name, sp.Matrix([sp.sympify(v) for v in array]))
    if array.ndim == 2:
        return _finite(name, sp.Matrix([[sp.sympify(v) for v in row] for row in array]))
    raise ValueError(f"{name} has shape {array.shape} ({array.ndim}-D), expected a 1-D or 2-D array")


def _check_labels(y: sp.Matrix) -> None:
    """Binary cross-entropy needs labels in [0, 1]; symbolic labels pass."""
    for k, value in enumerate(y):
        if value.is_number and not 0 <= float(value) <= 1:
            raise ValueError(f"y[{k}] is {float(value):g}, expected a label in [0, 1] for binary cross-entropy")


def _column(name: str, value, n: int | None = None, meaning: str = "") -> sp.Matrix:
    """``value`` as an n x 1 column; a row or a matrix is refused, never transposed silently."""
    m = _as_matrix(name, value)
    if m.cols != 1:
        expected = f"({m.cols if m.rows == 1 else 'n'}, 1)"
        raise ValueError(f"{name} has shape {m.shape}, expected {expected} = a column vector")
    if n is not None and m.rows != n:
        hint = f" {meaning}" if meaning else ""
        raise ValueError(f"{name} has shape {m.shape}, expected ({n}, 1){hint}")
    return m


def flatten(W) -> sp.Matrix:
    """The entries of ``W`` as a column, row by row (row-major): W_11, W_12, …, W_21, …"""
    m = _as_matrix("W", W)
    return sp.Matrix([m[i, j] for i in range(m.rows) for j in range(m.cols)])


def unflatten(flat, shape: tuple[int, int]):
    """Reshape a flat gradient (1 x n row, n x 1 column or 1-D) into ``shape``, row-major.

    A sympy input gives a sympy Matrix; a numpy input gives a numpy array.
    """
    if (
        not isinstance(shape, tuple)
        or len(shape) != 2
        or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in shape)
    ):
        raise ValueError(f"shape is {shape!r}, expected a (rows, cols) tuple of positive ints")
    rows, cols = shape
    size = rows * cols
    if isinstance(flat, np.ndarray):
        if flat.ndim not in (1, 2) or (flat.ndim == 2 and 1 not in flat.shape) or flat.size != size:
            raise ValueError(
                f"flat has shape {flat.shape}, expected ({size},) or (1, {size}) = {rows}·{cols} "
                f"entries of a {shape} matrix"
            )
        return flat.reshape(shape)  # numpy's default order is row-major ("C")
    m = _as_matrix("flat", flat)
    if 1 not in m.shape or m.rows * m.cols != size:
        raise ValueError(
            f"flat has shape {m.shape}, expected (1, {size}) or ({size}, 1) = {rows}·{cols} "
            f"entries of a {shape} matrix"
        )
    entries = list(m)  # sympy lists a row or column in order
    return sp.Matrix(rows, cols, entries)


# --------------------------------------------------------------------------------------------------
# The Jacobians of the stages


def bce_jacobian(a, y) -> sp.Matrix:
    """J(E) of ``E = -1/n Σ (y_k ln a_k + (1 - y_k) ln(1 - a_k))`` with respect to ``a``: 1 x n.

    Entry k is ``(a_k - y_k) / (n a_k (1 - a_k))``. Numeric ``a`` must lie strictly between 0 and 1,
    numeric labels ``y`` in [0, 1].
    """
    a = _column("a", a)
    y = _column("y", y, a.rows, "to match a")
    _check_labels(y)
    n = a.rows
    for k, value in enumerate(a):
        if value.is_number and not 0 < float(value) < 1:
            raise ValueError(
                f"a[{k}] is {float(value):g}, expected a value strictly between 0 and 1: "
                "binary cross-entropy's derivative is infinite at 0 and 1"
            )
    return sp.Matrix([[tidy((a[k] - y[k]) / (n * a[k] * (1 - a[k]))) for k in range(n)]])


def sigmoid_jacobian(z) -> sp.Matrix:
    """J(σ) of the elementwise sigmoid at ``z``: diagonal, with ``σ(z_k)(1 - σ(z_k))``."""
    z = _column("z", z)
    return sp.diag(*[sigmoid(v) * (1 - sigmoid(v)) for v in z])


def relu_jacobian(z) -> sp.Matrix:
    """J(relu) of the elementwise ReLU at ``z``: diagonal, 1 where ``z_k > 0`` and 0 where ``z_k <= 0``."""
    z = _column("z", z)
    return sp.diag(*[relu_prime(v) for v in z])


def weights_jacobian(a, n_out: int) -> sp.Matrix:
    """J_W of ``W a + b`` with respect to W (n_out x n_in) flattened row by row: n_out x (n_out·n_in).

    Output i depends only on row i of W, through ``a``: row i holds ``aᵀ`` in columns
    ``i·n_in … i·n_in + n_in - 1`` and zeros elsewhere.
    """
    a = _column("a", a)
    _check_size("n_out", n_out)
    n_in = a.rows
    J = sp.zeros(n_out, n_out * n_in)
    for i in range(n_out):
        for j in range(n_in):
            J[i, i * n_in + j] = a[j]
    return J


def bias_jacobian(n_out: int) -> sp.Matrix:
    """J_b of ``W a + b`` with respect to b: the n_out x n_out identity."""
    _check_size("n_out", n_out)
    return sp.eye(n_out)


def input_jacobian(W) -> sp.Matrix:
    """J_a of ``W a + b`` with respect to a: W itself (n_out x n_in)."""
    m = _as_matrix("W", W)
    if m.rows == 0 or m.cols == 0:
        raise ValueError(f"W has shape {m.shape}, expected (outputs, inputs) with both at least 1")
    return m


# --------------------------------------------------------------------------------------------------
# Evaluation


def tidy(value):
    """The shortest of an expression, its factored and its cancelled form (each entry of a Matrix).

    Applied functions such as ``σ(3063/2500)`` are treated as plain unknowns while simplifying, which
    keeps it fast and keeps them exact.
    """
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(tidy)
    try:
        expr = sp.sympify(value)
    except sp.SympifyError:
        expr = None
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"value is a {type(value).__name__}, expected a sympy expression, a number or a Matrix")
    if expr.is_Atom:
        return expr
    applied = sorted(expr.atoms(sp.Function), key=sp.default_sort_key)
    unknowns = {f: sp.Dummy(f"u{k}") for k, f in enumerate(applied)}
    plain = expr.xreplace(unknowns)
    candidates = [sp.factor(plain), plain]
    if any(p.exp.is_negative and p.base.free_symbols for p in plain.atoms(sp.Pow)):
        candidates.append(sp.cancel(plain))  # a fraction of unknowns: cancel common factors
    best = min(candidates, key=sp.count_ops)  # ties prefer the factored form
    with sp.evaluate(False):  # keep the chosen form: no re-distributing of 287/1000·(σ - 1)
        return best.xreplace({u: f for f, u in unknowns.items()})


def evaluate(jacobian, at) -> sp.Matrix:
    """Put values into a symbolic Jacobian: ``at`` maps a symbol vector/matrix from ``vector`` or
    ``matrix`` (or a single symbol) to its value; a sequence of (symbols, value) pairs works too.

    Shapes must match exactly (a column for a column); the result is tidied entry by entry.
    """
    mapping: dict[sp.Basic, sp.Basic] = {}
    pairs = at.items() if isinstance(at, Mapping) else at
    for key, value in pairs:
        if isinstance(key, sp.MatrixBase):
            keys = sp.Matrix(key)
            shape = keys.shape
            label = f"at[{_base_name(keys)}]"
            if shape[1] == 1:
                values = _column(label, value, shape[0], "to match its symbols")
            else:
                values = _as_matrix(label, value)
                if values.shape != shape:
                    raise ValueError(f"{label} has shape {values.shape}, expected {shape} to match its symbols")
            mapping.update(zip(keys, values))
        elif isinstance(key, sp.Symbol):
            mapping[key] = sp.sympify(value)
        else:
            raise TypeError(f"at has a key of type {type(key).__name__}, expected a sympy Symbol or Matrix")
    m = _as_matrix("jacobian", jacobian)
    return tidy(m.xreplace(mapping))


def _base_name(keys: sp.Matrix) -> str:
    """``a`` for the symbols a_1, a_2, … made by ``vector`` or ``matrix``."""
    return str(keys[0]).rsplit("_", 1)[0] if len(keys) else "?"


def to_float(value):
    """Evaluate an exact sympy value: a scalar gives a float, a column (n x 1, including 1 x 1) a
    1-D float64 array, as the book's vectors are, and any other matrix a 2-D float64 array."""
    if isinstance(value, sp.MatrixBase):
        free = value.free_symbols
        if free:
            raise ValueError(f"value has free symbols {_names(free)}; evaluate it at numbers first")
        array = np.array([[_float(e) for e in value.row(i)] for i in range(value.rows)], dtype=np.float64)
        return array[:, 0] if value.cols == 1 else array.reshape(value.shape)
    expr = sp.sympify(value)
    if expr.free_symbols:
        raise ValueError(f"value has free symbols {_names(expr.free_symbols)}; evaluate it at numbers first")
    return _float(expr)


def _float(expr: sp.Basic) -> float:
    return float(sp.N(expr, 30))


def _names(symbols) -> str:
    return ", ".join(sorted(str(s) for s in symbols))


# --------------------------------------------------------------------------------------------------
# The running example, exactly

PARAMETERS = ("W1", "b1", "W2", "b2")


def _check_example(example: Example) -> None:
    if example.activations != ("relu", "sigmoid") or example.loss != "bce":
        raise ValueError(
            f"example has activations {example.activations} and loss {example.loss!r}, expected "
            "('relu', 'sigmoid') and 'bce' (the running example's architecture)"
        )


def _parameters(params: Mapping | None, example: Example) -> dict[str, sp.Matrix]:
    base = {name: example.exact(name) for name in PARAMETERS}
    if params is None:
        return base
    unknown = set(params) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"params has keys {sorted(unknown)}, expected only {list(PARAMETERS)}")
    out = dict(base)
    for name, value in params.items():
        m = _as_matrix(name, value)
        if m.shape != base[name].shape:
            raise ValueError(f"{name} has shape {m.shape}, expected {base[name].shape}")
        out[name] = m
    return out


def bce_loss(a, y):
    """Binary cross-entropy averaged over the outputs, as an exact expression."""
    a = _column("a", a)
    y = _column("y", y, a.rows, "to match a")
    _check_labels(y)
    n = a.rows
    return -sum(y[k] * sp.log(a[k]) + (1 - y[k]) * sp.log(1 - a[k]) for k in range(n)) / n


def exact_forward(params: Mapping | None = None, example: Example = RUNNING, y=None) -> dict[str, sp.Basic]:
    """The forward pass in exact arithmetic: z1, a1, z2, a2 (columns) and the loss.

    ``params`` overrides any of W1, b1, W2, b2 (for instance with the values after a step); ``y``
    overrides the labels.
    """
    _check_example(example)
    p = _parameters(params, example)
    x = example.exact("x")
    y = example.exact("y") if y is None else _column("y", y, p["W2"].rows, "= (outputs, 1)")
    z1 = p["W1"] * x + p["b1"]
    a1 = z1.applyfunc(relu)
    z2 = p["W2"] * a1 + p["b2"]
    a2 = z2.applyfunc(sigmoid)
    return {"x": x, "y": y, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "loss": bce_loss(a2, y)}


def exact_gradients(params: Mapping | None = None, example: Example = RUNNING, y=None) -> dict[str, sp.Basic]:
    """Every parameter's gradient as a product of Jacobians, exactly, in the parameter's own shape.

    Layer 2: ``J(E) J(σ) J_W2(L2)`` and ``J(E) J(σ) J_b2(L2)``. Layer 1 continues the chain through
    the input of layer 2: ``J(E) J(σ) J_a1(L2) J(relu) J_W1(L1)`` and the same with ``J_b1(L1)``.
    Returns the forward values too (keys of ``exact_forward``) and the row vectors ``delta2``, ``delta1``.
    """
    f = exact_forward(params, example, y)
    p = _parameters(params, example)
    n2, n1 = p["W2"].rows, p["W1"].rows
    delta2 = tidy(bce_jacobian(f["a2"], f["y"]) * sigmoid_jacobian(f["z2"]))  # 1 x n2
    delta1 = tidy(delta2 * input_jacobian(p["W2"]) * relu_jacobian(f["z1"]))  # 1 x n1
    grads = {
        "grad_W2": unflatten(tidy(delta2 * weights_jacobian(f["a1"], n2)), p["W2"].shape),
        "grad_b2": tidy(delta2 * bias_jacobian(n2)).T,
        "grad_W1": unflatten(tidy(delta1 * weights_jacobian(f["x"], n1)), p["W1"].shape),
        "grad_b1": tidy(delta1 * bias_jacobian(n1)).T,
    }
    return {**f, "delta2": delta2, "delta1": delta1, **grads}


@functools.lru_cache(maxsize=1)
def _running_example() -> tuple[tuple[str, sp.Basic], ...]:
    g = exact_gradients()
    lr = RUNNING.lr(exact=True)
    p = _parameters(None, RUNNING)
    values = {key: g[key] for key in ("a1", "a2", "loss", "grad_W1", "grad_b1", "grad_W2", "grad_b2")}
    for name in PARAMETERS:
        values[f"{name}_after"] = p[name] - lr * g[f"grad_{name}"]
    return tuple((key, sp.ImmutableMatrix(v) if isinstance(v, sp.MatrixBase) else v) for key, v in values.items())


def exact_running_example() -> dict[str, sp.Basic]:
    """Exact values of the running example (``yann.example.RUNNING``), computed once and cached.

    Keys: a1, a2, loss, grad_W1, grad_b1, grad_W2, grad_b2 and W1_after, b1_after, W2_after,
    b2_after (one SGD step with ``RUNNING.lr(exact=True)``). Matrices are sympy Matrices in the
    parameter's own shape, vectors are columns, the loss is a scalar expression. Each call returns
    fresh Matrices, so changing one never changes the cache. ``to_float`` gives numpy values.
    """
    return {key: sp.Matrix(v) if isinstance(v, sp.MatrixBase) else v for key, v in _running_example()}


exact_running_example.cache_info = _running_example.cache_info  # type: ignore[attr-defined]
exact_running_example.cache_clear = _running_example.cache_clear  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------------
# Names: one plain notation, two renderings

_SYMBOLS = {"σ": r"\sigma", "η": r"\eta", "δ": r"\delta", "∘": r"\circ", "·": r"\cdot", "×": r"\times",
            "≈": r"\approx", "∂": r"\partial", "ᵀ": r"^{\top}", "∇": r"\nabla"}
_WORDS = {"relu": r"\operatorname{relu}", "sigmoid": r"\sigma", "vec": r"\operatorname{vec}",
          "diag": r"\operatorname{diag}"}
_TOKEN = re.compile(r"[A-Za-z]+\d*|δ\d*|\d+|.", re.S)


def _word(word: str) -> str:
    head, number = re.fullmatch(r"([A-Za-z]+?)(\d*)", word).groups()
    if head in _WORDS:
        return _WORDS[head] + (f"_{{{number}}}" if number else "")
    if len(head) > 1 and head[0] == "d" and len(head) == 2:  # dE, dW2, db1: a partial derivative
        return r"\partial " + _word(head[1:] + number)
    if len(head) > 1:
        return rf"\text{{{word}}}"
    if head in "LI" or (head == "J" and not number):
        return head + (f"_{{{number}}}" if number else "")
    if head.islower():
        return rf"\mathbf{{{head}}}" + (f"^{{({number})}}" if number else "")
    return head + (f"^{{({number})}}" if number else "")


def latex_name(name: str) -> str:
    """LaTeX for the course's plain notation: ``J_W2(L2)`` → ``J_{W^{(2)}}(L_{2})``, ``a1`` → bold a⁽¹⁾,
    ``σ`` → ``\\sigma``, ``dE/dW2`` → ∂E/∂W⁽²⁾. Lower-case letters are vectors (bold), upper-case
    letters matrices; a trailing number is the layer."""
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}, expected a str")
    out = []
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
        elif re.fullmatch(r"δ\d*", token):  # δ2: the gradient flowing into layer 2's sums, a vector
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


def _names_of(name) -> tuple[str, str]:
    """(plain text, LaTeX) for a name given in plain notation or as a (text, latex) pair."""
    if isinstance(name, tuple) and len(name) == 2 and all(isinstance(n, str) for n in name):
        return name
    return name, latex_name(name)


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


def _shape(m) -> str:
    return f"{m.rows}×{m.cols}" if isinstance(m, sp.MatrixBase) else "scalar"


def _tex_shape(shape: str) -> str:
    return shape.replace("×", r" \times ")


def _kind(value) -> str:
    entries = list(value) if isinstance(value, sp.MatrixBase) else [sp.sympify(value)]
    if any(e.free_symbols for e in entries):
        return "symbolic"
    if any(e.has(sp.Float) for e in entries):
        return "float"
    return "exact"


def _is_integral(value) -> bool:
    entries = list(value) if isinstance(value, sp.MatrixBase) else [sp.sympify(value)]
    return all(e.is_Integer for e in entries)


def _float_cells(value, decimals: int) -> list[list[str]]:
    m = value if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])
    if _is_integral(m):
        return [[str(int(e)) for e in m.row(i)] for i in range(m.rows)]
    return [[_float_cell(e, decimals) for e in m.row(i)] for i in range(m.rows)]


def _float_cell(entry: sp.Basic, decimals: int) -> str:
    """An exact rational with at most ``decimals`` decimal places prints exactly (0, 1, 0.23, 0.6495);
    anything else is rounded to ``decimals`` places (0.1755), so exact and rounded entries differ."""
    if entry.is_Rational and (entry * 10**decimals).is_Integer:
        text = f"{float(entry):.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return fmt(_float(entry), decimals)


def _exact_cells(value) -> list[list[str]]:
    m = value if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])
    return [[sp.sstr(e) for e in m.row(i)] for i in range(m.rows)]


def _grid(cells: list[list[str]], scalar: bool) -> list[str]:
    if scalar:
        return [cells[0][0]]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    return ["[" + ", ".join(c.rjust(w) for c, w in zip(row, widths)) + "]" for row in cells]


def _latex_value(value, as_float: bool, decimals: int) -> str:
    scalar = not isinstance(value, sp.MatrixBase)
    if as_float:
        cells = _float_cells(value, decimals)
        if scalar:
            return cells[0][0]
        body = r" \\ ".join(" & ".join(row) for row in cells)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
    if scalar:
        return sp.latex(sp.sympify(value))
    return sp.latex(value, mat_str="bmatrix", mat_delim="")


def _text_value(value, as_float: bool, decimals: int) -> list[str]:
    scalar = not isinstance(value, sp.MatrixBase)
    cells = _float_cells(value, decimals) if as_float else _exact_cells(value)
    return _grid(cells, scalar)


def _checked(name: str, value):
    if isinstance(value, sp.MatrixBase):
        return sp.Matrix(value)
    if isinstance(value, np.ndarray) or isinstance(value, (list, tuple)):
        return _as_matrix(name, value)
    return sp.sympify(value)


def show(name, *forms, at: str | tuple[str, str] | None = None, decimals: int = 4, floats: bool | None = None) -> Shown:
    """Display ``name`` with its shape and each of ``forms`` in turn (say symbolic, then exact),
    followed by the floats of the last form.

    ``at`` (plain notation, e.g. ``"z = z2"``) puts the "evaluated at" bracket on the first form.
    ``floats`` adds the float form (default: when the last form is numeric and not all integers).
    ``name`` is in plain notation (``"J_W2(L2)"``) or a (text, latex) pair.
    """
    if not forms:
        raise ValueError("forms is empty, expected at least one value to show")
    text_name, tex_name = _names_of(name)
    values = [_checked(f"forms[{i}]", v) for i, v in enumerate(forms)]
    shapes = {_shape(v) for v in values}
    if len(shapes) > 1:
        listed = ", ".join(f"forms[{i}] is {_shape(v)}" for i, v in enumerate(values))
        raise ValueError(f"forms have different shapes: {listed}; expected one shape")
    last = values[-1]
    if floats is None:
        floats = _kind(last) != "symbolic" and not _is_integral(last) and _kind(last) != "float"
    rows: list[tuple[str, str, object, bool]] = [(_kind(v), "=", v, _kind(v) == "float") for v in values]
    if floats:
        if _kind(last) == "symbolic":
            raise ValueError(f"forms[{len(values) - 1}] has free symbols, expected numbers for floats=True")
        rows.append(("float", r"\approx", last, True))

    at_text, at_tex = _names_of(at) if at is not None else (None, None)
    shape = _shape(last)
    head_tex = rf"\underset{{{_tex_shape(shape)}}}{{{tex_name}}}" if shape != "scalar" else tex_name
    lines_tex = []
    for k, (_, relation, value, as_float) in enumerate(rows):
        body = _latex_value(value, as_float, decimals)
        if k == 0 and at_tex is not None and len(rows) > 1:
            body = rf"\left. {body} \right|_{{{at_tex}}}"
        lines_tex.append(("&" if k == 0 else "&") + f"{relation} {body}")
    latex = rf"\begin{{aligned}} {head_tex} " + r" \\ ".join(lines_tex) + r" \end{aligned}"

    head = f"{text_name}  ({shape})" + (f", evaluated at {at_text}" if at_text else "")
    if len(rows) == 1:
        body = _text_value(rows[0][2], rows[0][3], decimals)
        text = "\n".join([f"{head} ="] + ["  " + line for line in body])
    else:
        width = max(len(kind) for kind, *_ in rows) + 1
        text_lines = [head]
        for kind, _, value, as_float in rows:
            body = _text_value(value, as_float, decimals)
            text_lines += [f"  {(kind + ':').ljust(width)} {body[0]}"] + [f"  {' ' * width} {b}" for b in body[1:]]
        text = "\n".join(text_lines)
    return Shown(text=text, latex=latex)


WRAP_COLUMNS = 8  # the most matrix columns a displayed line of a product holds before it breaks


@dataclass(frozen=True)
class Product:
    """A product of named Jacobians, its value, and its display with every factor's shape."""

    names: tuple[tuple[str, str], ...]
    factors: tuple[sp.ImmutableMatrix, ...]
    value: sp.ImmutableMatrix
    result_name: tuple[str, str] | None
    decimals: int
    exact: bool

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape

    def _texts(self) -> Shown:
        shapes = [_shape(f) for f in self.factors]
        result = _shape(self.value)
        lhs_tex = r" \, ".join(
            rf"\underset{{{_tex_shape(s)}}}{{{tex}}}" for (_, tex), s in zip(self.names, shapes)
        )
        # The factors' matrices side by side, broken into lines of at most ``WRAP_COLUMNS`` columns.
        pieces, columns = [], 0
        for f in self.factors:
            if pieces and columns + f.cols > WRAP_COLUMNS:
                pieces.append(r" \\ &\qquad ")
                columns = 0
            elif pieces:
                pieces.append(r" \, ")
            pieces.append(_latex_value(f, _kind(f) != "symbolic", self.decimals))
            columns += f.cols
        matrices_tex = "".join(pieces)
        rows_tex = []
        if self.result_name is not None:
            res_tex = self.result_name[1]
            rows_tex.append(rf"\underset{{{_tex_shape(result)}}}{{{res_tex}}} &= {lhs_tex}")
        else:
            rows_tex.append(rf"& {lhs_tex}")
        rows_tex.append(rf"&= {matrices_tex}")
        kind = _kind(self.value)
        if self.exact or kind == "symbolic":
            rows_tex.append(rf"&= {_latex_value(self.value, False, self.decimals)}")
        if kind != "symbolic":
            rows_tex.append(rf"&\approx {_latex_value(self.value, True, self.decimals)}")
        latex = r"\begin{aligned} " + r" \\ ".join(rows_tex) + r" \end{aligned}"

        names = [text for text, _ in self.names]
        widths = [max(len(n), len(s) + 2) for n, s in zip(names, shapes)]
        product_line = " · ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip()
        shape_line = "   ".join(f"({s})".ljust(w) for s, w in zip(shapes, widths)).rstrip()
        result_label = self.result_name[0] if self.result_name is not None else "product"
        lines = [f"{result_label} = {product_line}", f"{' ' * len(result_label)}   {shape_line}  ->  ({result})"]
        for (text, _), factor in zip(self.names, self.factors):
            body = _text_value(factor, _kind(factor) != "symbolic", self.decimals)
            lines += [f"{text} ="] + ["  " + b for b in body]
        if self.exact or kind == "symbolic":
            lines += [f"{result_label} ="] + ["  " + b for b in _text_value(self.value, False, self.decimals)]
        if kind != "symbolic":
            lines += [f"{result_label} ≈"] + ["  " + b for b in _text_value(self.value, True, self.decimals)]
        return Shown(text="\n".join(lines), latex=latex)

    def __repr__(self) -> str:
        return self._texts().text

    def _repr_latex_(self) -> str:
        return self._texts()._repr_latex_()


def product(factors: Sequence, name=None, *, decimals: int = 4, exact: bool = False) -> Product:
    """Multiply named Jacobians left to right and display the product with every factor's shape.

    ``factors`` is a sequence of ``(name, matrix)`` pairs, names in plain notation (``"J(σ)"``) or as
    (text, latex) pairs. Adjacent shapes must chain: a factor's rows equal the previous factor's
    columns. ``exact=True`` also shows the exact value of the result.
    """
    if not factors:
        raise ValueError("factors is empty, expected at least one (name, matrix) pair")
    names, mats = [], []
    for i, pair in enumerate(factors):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"factors[{i}] is a {type(pair).__name__}, expected a (name, matrix) pair")
        label, value = pair
        names.append(_names_of(label))
        mats.append(_as_matrix(f"factors[{i}] ({names[-1][0]})", value))
    for i in range(1, len(mats)):
        if mats[i].rows != mats[i - 1].cols:
            raise ValueError(
                f"factors[{i}] ({names[i][0]}) has shape {mats[i].shape}, expected "
                f"({mats[i - 1].cols}, n): its rows must match the {mats[i - 1].cols} columns of "
                f"{names[i - 1][0]} of shape {mats[i - 1].shape}"
            )
    value = mats[0]
    for m in mats[1:]:
        value = value * m
    return Product(
        names=tuple(names),
        factors=tuple(sp.ImmutableMatrix(m) for m in mats),
        value=sp.ImmutableMatrix(tidy(value)),
        result_name=_names_of(name) if name is not None else None,
        decimals=decimals,
        exact=exact,
    )
