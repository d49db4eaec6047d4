import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from yann import jacobians as jac
from yann import mlp
from yann.example import REFERENCE, REFERENCE_ATOL, RUNNING, reference

KEYS = ["a1", "a2", "loss", "grad_W1", "grad_b1", "grad_W2", "grad_b2",
        "W1_after", "b1_after", "W2_after", "b2_after"]


def central_difference(f, v, h=1e-6):
    """The Jacobian of ``f`` at ``v`` by central differences: rows are f's outputs, columns v's
    entries (a matrix ``v`` is flattened row by row, as the book does)."""
    v = np.asarray(v, dtype=np.float64)
    out = np.atleast_1d(f(v)).ravel()
    J = np.zeros((out.size, v.size))
    for k in range(v.size):
        step = np.zeros(v.size)
        step[k] = h
        step = step.reshape(v.shape)
        J[:, k] = (np.atleast_1d(f(v + step)).ravel() - np.atleast_1d(f(v - step)).ravel()) / (2 * h)
    return J


def as_2d(M):
    """A sympy matrix as a float64 array of the same 2-D shape (``to_float`` makes columns 1-D)."""
    return jac.to_float(M).reshape(M.shape)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def bce(a, y):
    return -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))


# ------------------------------------------------------------------------------------------------
# Every stage's Jacobian against central differences


@pytest.mark.parametrize("n", [1, 2, 4])
def test_bce_jacobian_matches_central_differences(n):
    rng = np.random.default_rng(n)
    a, y = rng.uniform(0.1, 0.9, n), rng.uniform(0, 1, n)
    J = as_2d(jac.bce_jacobian(a, y))
    assert J.shape == (1, n)
    assert_allclose(J, central_difference(lambda v: bce(v, y), a), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("n", [1, 3])
def test_sigmoid_jacobian_matches_central_differences_and_is_diagonal(n):
    z = np.random.default_rng(10 + n).normal(size=n)
    J = as_2d(jac.sigmoid_jacobian(z))
    assert J.shape == (n, n)
    assert_allclose(J, central_difference(sigmoid, z), rtol=1e-7, atol=1e-10)
    assert_allclose(J, np.diag(np.diag(J)))


def test_relu_jacobian_matches_central_differences_and_is_zero_at_the_kink():
    z = np.array([-1.3, 0.4, 2.0, -0.2])
    J = jac.to_float(jac.relu_jacobian(z))
    assert_allclose(J, central_difference(lambda v: np.maximum(v, 0), z), atol=1e-9)
    assert jac.relu_jacobian(sp.Matrix([0, sp.Rational(-1, 3), sp.Rational(1, 3)])) == sp.diag(0, 0, 1)


@pytest.mark.parametrize("n_out,n_in", [(1, 1), (2, 3), (3, 2)])
def test_linear_jacobians_match_central_differences(n_out, n_in):
    rng = np.random.default_rng(n_out * 10 + n_in)
    W, a, b = rng.normal(size=(n_out, n_in)), rng.normal(size=n_in), rng.normal(size=n_out)
    J_W = as_2d(jac.weights_jacobian(a, n_out))
    J_b = as_2d(jac.bias_jacobian(n_out))
    J_a = as_2d(jac.input_jacobian(W))
    assert J_W.shape == (n_out, n_out * n_in)
    # Central differences over W flattened row by row: the book's convention.
    assert_allclose(J_W, central_difference(lambda w: w @ a + b, W), atol=1e-9)
    assert_allclose(J_b, central_difference(lambda c: W @ a + c, b), atol=1e-9)
    assert_allclose(J_a, central_difference(lambda v: W @ v + b, a), atol=1e-9)


def test_weights_jacobian_is_row_major():
    J = jac.weights_jacobian(sp.Matrix([1, 2, 3]), 2)
    assert J == sp.Matrix([[1, 2, 3, 0, 0, 0], [0, 0, 0, 1, 2, 3]])
    # Column-major flattening would interleave: it is not what the book uses.
    assert J != sp.Matrix([[1, 0, 2, 0, 3, 0], [0, 1, 0, 2, 0, 3]])


@settings(max_examples=25, deadline=None)
@given(n_out=st.integers(1, 4), n_in=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_weights_jacobian_times_a_flat_change_is_the_change_of_the_output(n_out, n_in, seed):
    rng = np.random.default_rng(seed)
    a, dW = rng.normal(size=n_in), rng.normal(size=(n_out, n_in))
    J = as_2d(jac.weights_jacobian(a, n_out))
    assert_allclose(J @ dW.ravel(), dW @ a, rtol=1e-12, atol=1e-12)


def test_symbolic_jacobians_equal_sympys_own_differentiation():
    a, y, z = jac.vector("a", 2), jac.vector("y", 2), jac.vector("z", 3)
    W, b = jac.matrix("W", 2, 3), jac.vector("b", 2)
    E = -sum(y[k] * sp.log(a[k]) + (1 - y[k]) * sp.log(1 - a[k]) for k in range(2)) / 2
    assert sp.simplify(jac.bce_jacobian(a, y) - sp.Matrix([E]).jacobian(a)) == sp.zeros(1, 2)
    assert jac.sigmoid_jacobian(z) - z.applyfunc(jac.sigmoid).jacobian(z) == sp.zeros(3, 3)
    L = W * z + b
    assert jac.weights_jacobian(z, 2) == L.jacobian(jac.flatten(W))
    assert jac.bias_jacobian(2) == L.jacobian(b)
    assert jac.input_jacobian(W) == L.jacobian(z)


def test_evaluate_puts_exact_values_in_and_agrees_with_direct_construction():
    z = jac.vector("z", 2)
    at = sp.Matrix([sp.Rational(1, 2), sp.Rational(-3, 4)])
    assert jac.evaluate(jac.sigmoid_jacobian(z), {z: at}) == jac.sigmoid_jacobian(at)
    a, y = jac.vector("a", 2), jac.vector("y", 2)
    s = sp.Matrix([jac.sigmoid(sp.Rational(3, 2)), jac.sigmoid(sp.Rational(1, 5))])
    exact = jac.evaluate(jac.bce_jacobian(a, y), [(a, s), (y, [1, 0])])
    # The exact form cancels: -1/(2 σ(z1)) and 1/(2 (1 - σ(z2))).
    assert exact[0] == -1 / (2 * s[0])
    assert sp.simplify(exact[1] - 1 / (2 * (1 - s[1]))) == 0


# ------------------------------------------------------------------------------------------------
# The running example


def test_exact_running_example_has_the_agreed_keys_types_and_shapes():
    values = jac.exact_running_example()
    assert list(values) == KEYS
    for name in ["W1", "b1", "W2", "b2"]:
        assert isinstance(values[f"grad_{name}"], sp.Matrix)
        assert values[f"grad_{name}"].shape == RUNNING.exact(name).shape
        assert values[f"{name}_after"].shape == RUNNING.exact(name).shape
    assert values["a1"].shape == (3, 1) and values["a2"].shape == (2, 1)
    assert isinstance(values["loss"], sp.Basic) and not isinstance(values["loss"], sp.MatrixBase)
    assert all(not v.free_symbols for v in values.values())


def test_exact_running_example_is_cached_and_hands_out_fresh_matrices():
    first = jac.exact_running_example()
    first["grad_W2"][0, 0] = 99
    first["a1"] = None
    second = jac.exact_running_example()
    assert second["grad_W2"][0, 0] != 99 and second["a1"] is not None
    assert jac.exact_running_example.cache_info().hits >= 1


def test_exact_gradients_equal_the_float64_backward_pass():
    values = jac.exact_running_example()
    grads = mlp.gradients(RUNNING.layers(), RUNNING.array("x"), RUNNING.array("y"))
    assert_allclose(jac.to_float(values["loss"]), grads.loss, rtol=1e-12, atol=1e-12)
    assert_allclose(jac.to_float(values["a1"]), grads.forward.a[0], rtol=1e-12, atol=1e-12)
    assert_allclose(jac.to_float(values["a2"]), grads.forward.a[1], rtol=1e-12, atol=1e-12)
    for i, layer in enumerate(["W1", "W2"]):
        assert_allclose(jac.to_float(values[f"grad_{layer}"]), grads.W[i], rtol=1e-12, atol=1e-12)
    for i, layer in enumerate(["b1", "b2"]):
        assert_allclose(jac.to_float(values[f"grad_{layer}"]), grads.b[i], rtol=1e-12, atol=1e-12)
    stepped = mlp.sgd_step(RUNNING.layers(), grads, RUNNING.lr())
    for i, k in enumerate(["1", "2"]):
        assert_allclose(jac.to_float(values[f"W{k}_after"]), stepped[i].W, rtol=1e-12, atol=1e-12)
        assert_allclose(jac.to_float(values[f"b{k}_after"]), stepped[i].b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("key", [k for k in KEYS if k in REFERENCE])
def test_exact_values_round_to_the_pytorch_reference(key):
    assert_allclose(jac.to_float(jac.exact_running_example()[key]), reference(key), atol=REFERENCE_ATOL)


def test_jacobian_products_match_central_differences_of_the_whole_network():
    g = jac.exact_gradients()
    x, y = RUNNING.array("x"), RUNNING.array("y")

    def loss_with(name):
        def f(value):
            p = RUNNING.arrays()
            p[name] = value
            layers = [mlp.Layer(p["W1"], p["b1"], "relu"), mlp.Layer(p["W2"], p["b2"], "sigmoid")]
            return mlp.loss_value("bce", mlp.forward(layers, x).output, y)
        return f

    for name in ["W1", "b1", "W2", "b2"]:
        numeric = central_difference(loss_with(name), RUNNING.array(name)).reshape(RUNNING.array(name).shape)
        assert_allclose(jac.to_float(g[f"grad_{name}"]), numeric, rtol=1e-6, atol=1e-9)


def test_the_step_lowers_the_loss_exactly():
    values = jac.exact_running_example()
    after = jac.exact_forward({name: values[f"{name}_after"] for name in ["W1", "b1", "W2", "b2"]})
    before = jac.to_float(values["loss"])
    assert jac.to_float(after["loss"]) < before
    stepped = mlp.sgd_step(RUNNING.layers(), mlp.gradients(RUNNING.layers(), RUNNING.array("x"),
                                                           RUNNING.array("y")), RUNNING.lr())
    numeric = mlp.loss_value("bce", mlp.forward(stepped, RUNNING.array("x")).output, RUNNING.array("y"))
    assert_allclose(jac.to_float(after["loss"]), numeric, rtol=1e-12)


def test_other_labels_give_the_float64_gradients_too():
    g = jac.exact_gradients(y=[0, 1])
    grads = mlp.gradients(RUNNING.layers(), RUNNING.array("x"), np.array([0.0, 1.0]))
    assert_allclose(jac.to_float(g["grad_W2"]), grads.W[1], rtol=1e-12)
    assert_allclose(jac.to_float(g["grad_b1"]), grads.b[0], rtol=1e-12)


def test_a_negative_hidden_sum_zeroes_its_row_of_grad_W1():
    W1 = RUNNING.exact("W1")
    W1[0, 0] = -3  # z1_1 = -0.139 < 0
    g = jac.exact_gradients({"W1": W1})
    assert g["grad_W1"].row(0) == sp.zeros(1, 3) and g["grad_b1"][0] == 0
    layers = RUNNING.layers()
    layers[0] = mlp.Layer(jac.to_float(W1), layers[0].b, "relu")
    grads = mlp.gradients(layers, RUNNING.array("x"), RUNNING.array("y"))
    assert_allclose(jac.to_float(g["grad_W1"]), grads.W[0], rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------------------------------------
# Helpers: functions, reshaping, conversion


def test_sigmoid_function_stays_exact_and_evaluates_to_its_digits():
    s = jac.sigmoid(sp.Rational(3063, 2500))
    assert isinstance(s, jac.sigmoid)
    assert jac.sigmoid(0) == sp.Rational(1, 2)
    assert_allclose(float(s), sigmoid(1.2252), rtol=1e-15)
    assert_allclose(float(sp.N(s, 40)), sigmoid(1.2252), rtol=1e-15)
    z = sp.Symbol("z", real=True)
    assert sp.simplify(sp.diff(jac.sigmoid(z), z) - jac.sigmoid(z) * (1 - jac.sigmoid(z))) == 0
    assert sp.sstr(jac.sigmoid(z)) == "σ(z)"
    assert sp.latex(jac.sigmoid(z)) == r"\sigma\left(z\right)"
    assert sp.latex(jac.sigmoid(z) ** 2) == r"\sigma\left(z\right)^{2}"
    assert s.rewrite(sp.exp) == 1 / (1 + sp.exp(-sp.Rational(3063, 2500)))


def test_relu_prime_and_relu():
    z = sp.Symbol("z", real=True)
    assert jac.relu_prime(0) == 0 and jac.relu_prime(sp.Rational(1, 7)) == 1 and jac.relu_prime(-2) == 0
    assert isinstance(jac.relu_prime(z), jac.relu_prime)
    assert sp.sstr(jac.relu_prime(z)) == "relu'(z)"
    assert jac.relu(sp.Rational(-1, 3)) == 0 and jac.relu(sp.Rational(1, 3)) == sp.Rational(1, 3)
    assert jac.relu(jac.sigmoid(1) - sp.Rational(1, 2)) == jac.sigmoid(1) - sp.Rational(1, 2)
    with pytest.raises(ValueError, match="cannot be decided"):
        jac.relu(jac.sigmoid(1) - jac.sigmoid(1 + sp.Rational(1, 10**60)))


def test_unflatten_inverts_row_major_flatten_for_sympy_and_numpy():
    W = jac.matrix("W", 2, 3)
    flat = jac.flatten(W)
    assert list(flat) == [W[0, 0], W[0, 1], W[0, 2], W[1, 0], W[1, 1], W[1, 2]]
    assert jac.unflatten(flat.T, (2, 3)) == W
    assert jac.unflatten(flat, (2, 3)) == W
    array = np.arange(6.0)
    assert_allclose(jac.unflatten(array, (2, 3)), [[0, 1, 2], [3, 4, 5]])
    assert_allclose(jac.unflatten(array.reshape(1, 6), (3, 2)), [[0, 1], [2, 3], [4, 5]])


def test_to_float_gives_vectors_as_1d_and_matrices_as_2d():
    assert jac.to_float(sp.Matrix([sp.Rational(1, 4), 1])).shape == (2,)
    assert jac.to_float(sp.Matrix([[sp.Rational(1, 4), 1]])).shape == (1, 2)
    assert jac.to_float(sp.Matrix([[2]])).shape == (1,)  # a 1 x 1 matrix is a column too
    assert jac.to_float(sp.Rational(1, 8)) == 0.125


def test_tidy_cancels_and_keeps_factored_forms():
    s = jac.sigmoid(sp.Rational(1, 3))
    assert jac.tidy((s - 1) / (2 * s * (1 - s))) == -1 / (2 * s)
    assert sp.sstr(jac.tidy(sp.Rational(287, 1000) * s - sp.Rational(287, 1000))) == "287*(-1 + σ(1/3))/1000"
    assert jac.tidy(sp.Integer(3)) == 3


# ------------------------------------------------------------------------------------------------
# Bad shapes and values are refused with the argument, its shape and the expected shape


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"a has shape \(1, 2\), expected \(2, 1\) = a column vector"):
        jac.bce_jacobian(sp.Matrix([[0.5, 0.5]]), [1, 0])
    with pytest.raises(ValueError, match=r"y has shape \(3, 1\), expected \(2, 1\) to match a"):
        jac.bce_jacobian([0.5, 0.5], [1, 0, 0])
    with pytest.raises(ValueError, match=r"z has shape \(2, 2\), expected \(n, 1\) = a column vector"):
        jac.sigmoid_jacobian(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"a has shape \(1, 3\), expected \(3, 1\)"):
        jac.weights_jacobian(sp.Matrix([[1, 2, 3]]), 2)
    with pytest.raises(ValueError, match="n_out is 0, expected a positive int"):
        jac.weights_jacobian([1, 2], 0)
    with pytest.raises(ValueError, match=r"flat has shape \(1, 5\), expected \(1, 6\) or \(6, 1\)"):
        jac.unflatten(sp.ones(1, 5), (2, 3))
    with pytest.raises(ValueError, match=r"flat has shape \(2, 3\), expected \(6,\) or \(1, 6\)"):
        jac.unflatten(np.ones((2, 3)), (2, 3))
    with pytest.raises(ValueError, match="shape is"):
        jac.unflatten(np.ones(6), (6,))
    z = jac.vector("z", 2)
    with pytest.raises(ValueError, match=r"at\[z\] has shape \(3, 1\), expected \(2, 1\) to match its symbols"):
        jac.evaluate(jac.sigmoid_jacobian(z), {z: [1, 2, 3]})
    with pytest.raises(ValueError, match=r"W2 has shape \(3, 2\), expected \(2, 3\)"):
        jac.exact_gradients({"W2": sp.zeros(3, 2)})


def test_bad_values_are_refused():
    with pytest.raises(ValueError, match=r"a\[1\] is 1, expected a value strictly between 0 and 1"):
        jac.bce_jacobian([0.5, 1], [1, 0])
    with pytest.raises(ValueError, match="free symbols a_1"):
        jac.to_float(jac.vector("a", 1))
    with pytest.raises(ValueError, match="params has keys"):
        jac.exact_forward({"W3": sp.zeros(1, 1)})


def test_product_refuses_factors_that_do_not_chain():
    with pytest.raises(ValueError, match=r"factors\[1\] \(J\(σ\)\) has shape \(3, 3\), expected \(2, n\)"):
        jac.product([("J(E)", sp.ones(1, 2)), ("J(σ)", sp.eye(3))])
    with pytest.raises(ValueError, match="factors is empty"):
        jac.product([])


# ------------------------------------------------------------------------------------------------
# Display


def test_product_value_shapes_and_plain_text():
    f = jac.exact_forward()
    P = jac.product(
        [("J(E)", jac.bce_jacobian(f["a2"], f["y"])), ("J(σ)", jac.sigmoid_jacobian(f["z2"])),
         ("J_W2(L2)", jac.weights_jacobian(f["a1"], 2))],
        "dE/dW2",
    )
    assert P.shape == (1, 6)
    assert_allclose(jac.to_float(jac.unflatten(P.value, (2, 3))), reference("grad_W2"), atol=REFERENCE_ATOL)
    text = repr(P)
    assert text.splitlines()[0] == "dE/dW2 = J(E)  · J(σ)  · J_W2(L2)"
    assert "(1×2)   (2×2)   (2×6)  ->  (1×6)" in text
    assert "-0.0652" in text and " at 0x" not in text
    assert "J_W2(L2) =\n  [0.574, 0.748, 0.6495,     0,     0,      0]" in text  # exact: no padding
    latex = P._repr_latex_()
    assert latex.startswith("$$") and r"\underset{1 \times 2}{J(E)}" in latex
    assert r"\underset{1 \times 6}{\partial E/\partial W^{(2)}}" in latex
    assert repr(P) == repr(jac.product(list(zip([n for n, _ in P.names], P.factors)), "dE/dW2"))


def test_show_lists_symbolic_exact_and_float_forms():
    z = jac.vector("z", 2)
    at = sp.Matrix([0, sp.Rational(1, 2)])
    shown = jac.show("J(σ)", jac.sigmoid_jacobian(z), jac.sigmoid_jacobian(at), at="z = z2")
    lines = repr(shown).splitlines()
    assert lines[0] == "J(σ)  (2×2), evaluated at z = z2"
    assert lines[1].startswith("  symbolic:") and lines[3].startswith("  exact:")
    assert lines[5] == "  float:    [0.25,      0]"  # exact decimals print exactly
    assert r"\right|_{\mathbf{z} = \mathbf{z}^{(2)}}" in shown.latex and r"\approx" in shown.latex
    identity = jac.show("J_b2(L2)", jac.bias_jacobian(2))
    assert repr(identity) == "J_b2(L2)  (2×2) =\n  [1, 0]\n  [0, 1]"
    scalar = jac.show("E", jac.exact_forward()["loss"])
    assert repr(scalar).splitlines() == [
        "E  (scalar)",
        "  exact: -log(σ(3063/2500))/2 - log(1 - σ(4901/4000))/2",
        "  float: 0.8701",
    ]
    with pytest.raises(ValueError, match=r"forms\[0\] is 2×2, forms\[1\] is 1×2"):
        jac.show("J", sp.eye(2), sp.ones(1, 2))


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
        ("E ∘ σ ∘ L2", r"E \circ \sigma \circ L_{2}"),
        ("z = z2", r"\mathbf{z} = \mathbf{z}^{(2)}"),
        ("δ2ᵀ", r"{\boldsymbol{\delta}^{(2)}}^{\top}"),
        ("a1ᵀ", r"{\mathbf{a}^{(1)}}^{\top}"),
        ("y = (1, 0)", r"\mathbf{y} = (1, 0)"),
        ("grad", r"\text{grad}"),
        ("W2_11 after", r"W^{(2)}_{11}\ \text{after}"),
        ("J(relu) at z", r"J(\operatorname{relu})\ \text{at}\ \mathbf{z}"),
    ],
)
def test_latex_names(name, latex):
    assert jac.latex_name(name) == latex


def test_names_can_be_given_as_text_and_latex():
    shown = jac.show(("my J", r"\mathcal{J}"), sp.eye(1))
    assert repr(shown).startswith("my J  (1×1)") and r"\mathcal{J}" in shown.latex
