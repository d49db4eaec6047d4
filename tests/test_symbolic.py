"""yann.symbolic: the sigmoid's derivative is right, to_float keeps the book's shapes, and the
displays show the shapes and the numbers they are given (and refuse a product that is not one)."""


import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from yann.symbolic import chain, shaped, sigmoid, to_float


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
    shown = shaped(r"J(\sigma)", J_symbolic, J, at=r"\mathbf{z} = \mathbf{z}^{(2)}")
    assert repr(shown) == shown.latex  # the plain text nbval compares is the LaTeX source
    assert shown._repr_latex_() == f"$$\n{shown.latex}\n$$"
    symbols, numbers = " ".join(shown.latex.split()).split(r" \\[4pt] ")
    assert symbols.startswith(r"\begin{aligned} \underset{2 \times 2}{J(\sigma)} &= \begin{bmatrix}")
    assert r"\sigma\left(z_{1}\right)" in symbols
    derivative = f"{logistic(0.5) * (1 - logistic(0.5)):.4f}"
    assert numbers == (r"J(\sigma)\big|_{\mathbf{z} = \mathbf{z}^{(2)}} &\approx \begin{bmatrix} 0.2500 & 0 \\ "
                       rf"0 & {derivative} \end{{bmatrix}} \end{{aligned}}")
    identity = shaped(r"J_{\mathbf{b}^{(2)}}(L_2)", sp.eye(2))
    assert " ".join(identity.latex.split()) == (r"\begin{aligned} \underset{2 \times 2}{J_{\mathbf{b}^{(2)}}(L_2)} &= "
                                                r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix} \end{aligned}")


def test_shaped_writes_a_row_narrower_with_minus_signs_as_ordinary_symbols():
    shown = shaped("g", np.array([[-0.5, 0.25]]), decimals=2)
    assert shown.latex.endswith(r"&\approx \left[\, {-}0.50 \;\, 0.25 \,\right]" "\n" r"\end{aligned}")


def test_chain_shows_every_factor_with_its_shape_and_the_product():
    A, B = sp.Matrix([[1, 2]]), sp.Matrix([[1, 0, 1], [0, 1, 0]])
    shown = chain(r"\partial E/\partial W", [("J(E)", A), ("J_W(L)", B)], A * B)
    assert repr(shown).splitlines() == [
        r"\begin{aligned}",
        r"& \underset{1 \times 3}{\partial E/\partial W} = \underset{1 \times 2}{J(E)} \;",
        r"    \underset{2 \times 3}{J_W(L)} \\[4pt]",
        r"& \quad = \left[\, 1 \;\, 2 \;\, 1 \,\right]",
        r"\end{aligned}",
    ]
    halves = chain("h", [("A", A / 2)], A / 2)
    assert r"& \quad \approx \left[\, 0.5000 \;\, 1 \,\right]" in halves.latex


def test_a_long_display_is_wrapped_at_spaces_to_80_columns():
    row = sp.Matrix([[sp.Rational(-652, 10000)] * 12])
    shown = chain(r"\partial E/\partial W^{(1)}", [("A", row)], row)
    lines = shown.latex.splitlines()
    assert len(lines) > 4 and all(len(line) <= 80 for line in lines)
    first_row = shaped("N", sp.eye(1)).latex.splitlines()[1]
    name = "N" * (79 - len(first_row))  # its row is 78 characters, then the row break follows it
    assert all(len(line) <= 80 for line in shaped(name, sp.eye(1), sp.eye(1)).latex.splitlines())
    assert " ".join(shown.latex.split()).count(r"{-}0.0652 \;\,") == 11  # no entry is split


def test_chain_accepts_symbols_without_checking_the_numbers():
    a = sp.Matrix([sp.symbols("a_1:3")]).T
    shown = chain("s", [("a", a.T), ("b", a)], sp.Matrix([[sp.Symbol("q")]]))
    assert r"& \quad = \begin{bmatrix}q\end{bmatrix}" in shown.latex


def test_chain_refuses_a_value_that_is_not_the_product():
    A, B = sp.Matrix([[1, 2]]), sp.eye(2)
    with pytest.raises(ValueError, match=r"value is not the product of the factors A · B"):
        chain("AB", [("A", A), ("B", B)], sp.Matrix([[1, 3]]))
    with pytest.raises(ValueError, match=r"value has shape \(2, 1\), expected \(1, 2\)"):
        chain("AB", [("A", A), ("B", B)], A.T)
    chain("AB", [("A", A), ("B", B)], A * (1 + sp.Rational(1, 10**12)))  # within rtol 1e-9: accepted


def test_displays_never_factor_or_simplify(monkeypatch):
    """sp.factor once made a 4 x 4 display take 50 s; displays only print what the cell computed."""
    z = sp.Matrix(sp.symbols("z_1:4", real=True))
    J = sp.Matrix(3, 9, lambda i, j: sigmoid(z[i]) * z[j % 3] if j // 3 == i else 0)
    at = J.subs(dict(zip(z, [sp.Rational(k, 7) for k in (1, 2, 3)])))

    def refuse(*args, **kwargs):
        raise AssertionError("a display called sympy's factor or simplify")

    for name in ("factor", "simplify", "cancel", "together"):
        monkeypatch.setattr(sp, name, refuse)
    assert r"\underset{3 \times 9}{J}" in repr(shaped("J", J, at, at="z"))
    assert r"\underset{9 \times 9}{P}" in repr(chain("P", [("J", at.T), ("K", at)], at.T * at))
