"""yann.symbolic: the sigmoid's derivative is right, to_float keeps the book's shapes, and the
displays show the shapes and the numbers they are given (and refuse a product that is not one)."""

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from yann.symbolic import chain, latex_name, shaped, sigmoid, to_float


def logistic(z):
    return 1 / (1 + np.exp(-z))


def test_sigmoid_derivative_against_the_exponential_written_out():
    z = sp.Symbol("z", real=True)
    written_out = 1 / (1 + sp.exp(-z))
    ours = sp.diff(sigmoid(z), z).rewrite(sp.exp)
    assert sp.simplify(ours - sp.diff(written_out, z)) == 0


@pytest.mark.parametrize("at", [-3.0, -0.4, 0.0, 1.2252, 5.0])
def test_sigmoid_derivative_against_central_differences(at):
    z = sp.Symbol("z", real=True)
    derivative = float(sp.diff(sigmoid(z), z).subs(z, sp.Float(at, 30)))
    h = 1e-6
    assert_allclose(derivative, (logistic(at + h) - logistic(at - h)) / (2 * h), rtol=1e-8)


def test_J_E_times_J_sigma_is_the_error_signal():
    """Chapter 3's statement J(E) J(σ) = (a2 - y)ᵀ / 2: J(σ) from yann's sigmoid, J(E) by sympy
    from the cross-entropy written out with log, at a2 = σ(z2)."""
    z = sp.Matrix(sp.symbols("z_1:3", real=True))
    y = sp.Matrix(sp.symbols("y_1:3", real=True))
    a = sp.Matrix(sp.symbols("a_1:3", positive=True))
    loss = -sum(y[k] * sp.log(a[k]) + (1 - y[k]) * sp.log(1 - a[k]) for k in range(2)) / 2
    a2 = z.applyfunc(sigmoid)
    J_E = sp.Matrix([loss]).jacobian(a).subs(dict(zip(a, a2)))
    J_sigma = a2.jacobian(z)
    assert J_sigma.is_diagonal()
    assert (J_E * J_sigma - (a2 - y).T / 2).applyfunc(sp.simplify) == sp.zeros(1, 2)


def test_sigmoid_stays_exact_and_evaluates_to_its_digits():
    s = sigmoid(sp.Rational(3063, 2500))
    assert isinstance(s, sigmoid)  # unevaluated at an exact argument
    assert sigmoid(0) == sp.Rational(1, 2)
    assert_allclose(float(s), logistic(1.2252), rtol=1e-15)
    assert_allclose(float(sigmoid(sp.Float(-2.5))), logistic(-2.5), rtol=1e-15)
    assert s.is_positive
    assert sp.sstr(sigmoid(sp.Symbol("z"))) == "σ(z)"
    assert sp.latex(sigmoid(sp.Symbol("z")) ** 2) == r"\sigma\left(z\right)^{2}"


def test_to_float_gives_vectors_as_1d_and_matrices_as_2d():
    assert to_float(sp.Matrix([sp.Rational(1, 4), 1])).shape == (2,)
    assert to_float(sp.Matrix([[sp.Rational(1, 4), 1]])).shape == (1, 2)
    assert to_float(sp.Matrix([[2]])).shape == (1,)  # a 1 x 1 matrix is a column too
    assert to_float(sp.Rational(1, 8)) == 0.125
    assert_allclose(to_float(sp.Matrix([[sp.log(2), sp.pi]])), [[np.log(2), np.pi]], rtol=1e-15)


def test_shaped_shows_symbols_then_numbers_at_a_point():
    z = sp.Matrix(sp.symbols("z_1:3", real=True))
    J_symbolic = z.applyfunc(sigmoid).jacobian(z)
    J = J_symbolic.subs(dict(zip(z, [0, sp.Rational(1, 2)])))
    shown = shaped("J(σ)", J_symbolic, J, at="z = z2")
    lines = repr(shown).splitlines()
    assert lines[0] == "J(σ)  (2×2)"
    assert lines[1].startswith("  symbols:   [(1 - σ(z_1))*σ(z_1),")
    assert lines[3] == "  at z = z2: [0.2500,      0]"
    assert lines[4] == f"             [     0, {logistic(0.5) * (1 - logistic(0.5)):.4f}]"
    assert r"\underset{2 \times 2}{J(\sigma)}" in shown.latex
    assert r"\big|_{\mathbf{z} = \mathbf{z}^{(2)}}" in shown.latex and r"\approx" in shown.latex
    assert shown._repr_latex_().startswith("$$")
    identity = shaped("J_b2(L2)", sp.eye(2))
    assert repr(identity) == "J_b2(L2)  (2×2)\n  numbers: [1, 0]\n           [0, 1]"


def test_shaped_puts_a_wide_form_under_its_label():
    row = sp.Matrix([[sp.Symbol(f"long_name_{k}") for k in range(9)]])
    lines = repr(shaped("J", row)).splitlines()
    assert lines[1] == "  symbols:" and lines[2].startswith("    [long_name_0")


def test_chain_shows_every_factor_with_its_shape_and_the_product():
    A, B = sp.Matrix([[1, 2]]), sp.Matrix([[1, 0, 1], [0, 1, 0]])
    shown = chain("dE/dW", [("J(E)", A), ("J_W(L)", B)], A * B)
    assert repr(shown).splitlines() == [
        "dE/dW = J(E) · J_W(L)",
        "        1×2    2×3     ->  1×3",
        "      = [1, 2, 1]",
    ]
    assert r"\underset{1 \times 3}{\partial E/\partial W}" in shown.latex
    assert r"\underset{2 \times 3}{J_{W}(L)}" in shown.latex


def test_chain_wraps_a_long_row():
    row = sp.Matrix([[sp.Rational(-652, 10000)] * 12])
    lines = repr(chain("g", [("A", row)], row)).splitlines()
    assert all(len(line) <= 80 for line in lines) and len(lines) == 4


def test_chain_refuses_a_value_that_is_not_the_product():
    A, B = sp.Matrix([[1, 2]]), sp.eye(2)
    with pytest.raises(ValueError, match=r"value is not the product of the factors A · B"):
        chain("AB", [("A", A), ("B", B)], sp.Matrix([[1, 3]]))
    with pytest.raises(ValueError, match=r"value has shape \(2, 1\), expected \(1, 2\)"):
        chain("AB", [("A", A), ("B", B)], A.T)


@pytest.mark.parametrize(
    "name,latex",
    [
        ("J(E)", "J(E)"),
        ("J(σ)", r"J(\sigma)"),
        ("J(relu)", r"J(\operatorname{relu})"),
        ("J_W2(L2)", r"J_{W^{(2)}}(L_{2})"),
        ("J_a1(L2)", r"J_{\mathbf{a}^{(1)}}(L_{2})"),
        ("J_b1(L1)", r"J_{\mathbf{b}^{(1)}}(L_{1})"),
        ("dE/dW1", r"\partial E/\partial W^{(1)}"),
        ("z = z2", r"\mathbf{z} = \mathbf{z}^{(2)}"),
        ("δ2ᵀ", r"{\boldsymbol{\delta}^{(2)}}^{\top}"),
        ("y = (1, 0)", r"\mathbf{y} = (1, 0)"),
        ("W2_11 after", r"W^{(2)}_{11}\ \text{after}"),
    ],
)
def test_latex_names(name, latex):
    assert latex_name(name) == latex
