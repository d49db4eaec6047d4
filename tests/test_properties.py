"""Property tests: on random fully connected networks, every way the course computes a gradient
agrees with every other and with finite differences.

Hypothesis draws a network (1 to 4 layers, widths 1 to 8, activations relu/sigmoid/tanh/identity,
loss bce/mse/mae, one sample or a small batch) and a seed; the seed fixes the weights, biases,
inputs and labels (``Case.arrays``). A failing example is printed as its ``Case`` (architecture
and seed), which rebuilds the same numbers. Runs are deterministic (``derandomize=True``, no
example database), so CI never flakes and a failure reproduces on any machine.

The gradients compared, all in float64:

- ``yann.mlp.gradients``, the numpy reverse mode (vector-Jacobian products);
- a fourth-order central finite difference of an independently written numpy loss;
- ``explicit_chain``, the chain of full Jacobians that chapter 14 writes (run from its cell by
  tools/chapter_code.py), in both orders;
- a chain of sympy Jacobians written in this file (small networks only: sympy is slow),
  evaluated in 30-digit floats;
- PyTorch autograd on ``yann.torch_io.sequential``;
- a TensorFlow ``GradientTape`` on ``tf.Variable`` objects and on ``yann.keras_io.sequential``.

Agreement means ``|g - reference| <= RTOL * |reference| + atol`` elementwise with ``RTOL = 1e-8``.
The absolute floor is what float64 can promise for a gradient entry near zero: ``ATOL_EXACT``
between the analytic methods (they differ only in rounding), ``ATOL_FD`` against finite
differences, whose rounding error is about ``eps * |loss| / h``.

Kinks are avoided deliberately. ReLU has no derivative at 0 and MAE none where ``output == y``;
the frameworks pick a one-sided value there and finite differences straddle the kink. So examples
where any ReLU pre-activation or any ``output - y`` (for MAE) lies within ``KINK_MARGIN`` of 0 are
rejected (``hypothesis.assume``), and the finite difference also rejects an example if any of its
shifted points crosses a kink (which ``KINK_MARGIN`` makes practically impossible).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from yann import mlp

sys.path.insert(0, str(ROOT / "tools"))
from chapter_code import chapter_functions

(explicit_chain,) = chapter_functions("14_jacobian_cost", "explicit_chain")

RTOL = 1e-8
# Between analytic methods the differences are a few float64 roundings (about 1e-16 relative).
ATOL_EXACT = 1e-12
# The fourth-order difference with step FD_STEP has truncation error ~ FD_STEP**4 and rounding error
# ~ eps * |loss| / FD_STEP ~ 1e-12; over these examples no entry needed more than 2e-12 on top of
# RTOL * |g|, so 1e-10 leaves room without hiding an error (a wrong derivative is off by far more).
ATOL_FD = 1e-10
FD_STEP = 3e-4
# A shifted point moves a pre-activation by about FD_STEP * |input| * |weights|: far less than this.
KINK_MARGIN = 1e-2

ACTIVATIONS = tuple(mlp.ACTIVATIONS)
LOSSES = ("bce", "mse", "mae")  # half_sse is mse scaled; the frameworks' tests have no such loss

# Deterministic, no database on disk, no per-example deadline (the first TensorFlow example
# pays for tracing). A fair share of examples is rejected near kinks, which is expected, so the
# filter_too_much health check is off; instead each property counts the examples that reached its
# comparisons and fails below a minimum (``at_least``), so filtering can never empty a test.
PROPERTY_SETTINGS = dict(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


VALID: dict[str, int] = {}  # examples that reached the end of each property, per test
_CURRENT: list[str] = []


def counted() -> None:
    """Call at the end of a property's body: one more example was compared, not rejected."""
    VALID[_CURRENT[-1]] += 1


def at_least(minimum: int):
    """Run the Hypothesis property, then fail unless ``minimum`` examples got past the filters."""

    def wrap(prop):
        def test():
            VALID[prop.__name__] = 0
            _CURRENT.append(prop.__name__)
            try:
                prop()
            finally:
                _CURRENT.pop()
            assert VALID[prop.__name__] >= minimum, (
                f"only {VALID[prop.__name__]} examples were compared, expected at least {minimum}: "
                "the filters (kinks) rejected too many"
            )

        test.__name__, test.__doc__ = prop.__name__, prop.__doc__
        return test

    return wrap


# --------------------------------------------------------------------------------------------------
# Random networks


@dataclass(frozen=True)
class Case:
    """A network and its data: widths (inputs first), one activation per layer, a loss, a batch
    size (``None``: one 1-D sample) and the seed that fixes every number."""

    widths: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    batch: int | None
    seed: int

    @cached_property
    def arrays(self) -> tuple[list[mlp.Layer], np.ndarray, np.ndarray]:
        """The layers, input ``x`` and labels ``y`` (float64), rebuilt from the seed."""
        rng = np.random.default_rng(self.seed)
        layers = [
            mlp.Layer(rng.normal(size=(n_out, n_in)) / np.sqrt(n_in), rng.normal(scale=0.5, size=n_out), f)
            for n_in, n_out, f in zip(self.widths[:-1], self.widths[1:], self.activations)
        ]
        lead = () if self.batch is None else (self.batch,)
        x = rng.normal(size=lead + (self.widths[0],))
        shape_y = lead + (self.widths[-1],)
        y = rng.uniform(0, 1, size=shape_y) if self.loss == "bce" else rng.normal(size=shape_y)
        return layers, x, y

    @property
    def layers(self) -> list[mlp.Layer]:
        return self.arrays[0]

    @property
    def x(self) -> np.ndarray:
        return self.arrays[1]

    @property
    def y(self) -> np.ndarray:
        return self.arrays[2]


@st.composite
def cases(draw, max_layers: int = 4, max_width: int = 8, batches: bool = True) -> Case:
    n_layers = draw(st.integers(1, max_layers), label="layers")
    widths = tuple(draw(st.lists(st.integers(1, max_width), min_size=n_layers + 1, max_size=n_layers + 1)))
    loss = draw(st.sampled_from(LOSSES), label="loss")
    activations = list(draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=n_layers, max_size=n_layers)))
    if loss == "bce":  # binary cross-entropy needs outputs in (0, 1)
        activations[-1] = "sigmoid"
    batch = draw(st.none() | st.integers(1, 4), label="batch") if batches else None
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    return Case(widths, tuple(activations), loss, batch, seed)


# --------------------------------------------------------------------------------------------------
# An independent numpy loss, its kinks and its finite differences


def _forward(Ws, bs, activations, x):
    """Pre-activations and output for a batch ``x`` (2-D); the parameters may carry one leading
    axis more (a stack of networks), which the results then carry too."""
    a, zs = x, []
    for W, b, f in zip(Ws, bs, activations):
        z = a @ np.swapaxes(W, -1, -2) + b[..., None, :]
        zs.append(z)
        if f == "relu":
            a = np.maximum(z, 0.0)
        elif f == "sigmoid":
            a = 1.0 / (1.0 + np.exp(-z))
        elif f == "tanh":
            a = np.tanh(z)
        else:
            a = z
    return zs, a


def _loss(name, output, y, axes=None):
    """The mean loss over ``axes`` (default: all) of ``output`` against ``y``."""
    if name == "bce":
        terms = -(y * np.log(output) + (1 - y) * np.log(1 - output))
    elif name == "mse":
        terms = (output - y) ** 2
    else:
        terms = np.abs(output - y)
    return np.mean(terms, axis=axes)


def _batch(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` as a batch (one sample becomes a batch of one: the mean loss is the same)."""
    return (case.x, case.y) if case.batch is not None else (case.x[None, :], case.y[None, :])


def _kinks(case: Case, zs, output) -> np.ndarray:
    """The values that must stay away from 0, flattened per network of a stack (the leading axes
    before the batch axis): every ReLU pre-activation, and ``output - y`` for MAE."""
    lead = output.shape[:-2]
    values = [z.reshape(lead + (-1,)) for z, f in zip(zs, case.activations) if f == "relu"]
    if case.loss == "mae":
        values.append((output - _batch(case)[1]).reshape(lead + (-1,)))
    return np.concatenate(values, axis=-1) if values else np.zeros(lead + (0,))


def avoid_kinks(case: Case) -> None:
    """Reject the example if a ReLU pre-activation or (MAE) an ``output - y`` is near 0."""
    zs, output = _forward([l.W for l in case.layers], [l.b for l in case.layers], case.activations, _batch(case)[0])
    kinks = _kinks(case, zs, output)
    assume(kinks.size == 0 or np.abs(kinks).min() > KINK_MARGIN)


def finite_differences(case: Case) -> list[np.ndarray]:
    """Every parameter's gradient (W1, ..., WL, b1, ..., bL) by the fourth-order central difference
    ``(f(p - 2h) - 8 f(p - h) + 8 f(p + h) - f(p + 2h)) / 12h``, one parameter at a time.

    All shifted networks are evaluated at once, as a stack along a leading axis.
    """
    params = [l.W for l in case.layers] + [l.b for l in case.layers]
    sizes = [p.size for p in params]
    theta = np.concatenate([p.ravel() for p in params])
    steps = np.array([-2, -1, 1, 2]) * FD_STEP
    # Row (k, j) of the stack is theta with parameter j shifted by steps[k].
    stack = np.broadcast_to(theta, (4, theta.size, theta.size)).copy()
    idx = np.arange(theta.size)
    stack[:, idx, idx] += steps[:, None]
    stack = stack.reshape(-1, theta.size)
    pieces = np.split(stack, np.cumsum(sizes)[:-1], axis=1)
    n = len(case.layers)
    Ws = [piece.reshape(-1, *p.shape) for piece, p in zip(pieces[:n], params[:n])]
    bs = pieces[n:]
    x, y = _batch(case)
    zs, output = _forward(Ws, bs, case.activations, x)
    # A shifted network on the other side of a kink would make the difference meaningless.
    signs = np.sign(_kinks(case, *_forward(params[:n], params[n:], case.activations, x)))
    assume(np.array_equal(np.sign(_kinks(case, zs, output)), np.broadcast_to(signs, (len(stack), signs.size))))
    f = _loss(case.loss, output, y, axes=(1, 2)).reshape(4, theta.size)
    flat = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * FD_STEP)
    return [g.reshape(p.shape) for g, p in zip(np.split(flat, np.cumsum(sizes)[:-1]), params)]


def assert_agree(what: str, got, want, atol: float) -> None:
    """Every entry of every array in ``got`` agrees with ``want``: ``|got - want| <= RTOL |want| + atol``."""
    assert len(got) == len(want), f"{what}: {len(got)} arrays, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want), start=1):
        g, w = np.asarray(g, dtype=np.float64), np.asarray(w, dtype=np.float64)
        assert g.shape == w.shape, f"{what} [{i}]: shape {g.shape}, expected {w.shape}"
        excess = np.abs(g - w) - (RTOL * np.abs(w) + atol)
        worst = np.unravel_index(np.argmax(excess), excess.shape) if excess.size else None
        assert worst is None or excess[worst] <= 0, (
            f"{what} [{i}] at {worst}: {g[worst]!r} vs {w[worst]!r}, "
            f"difference {abs(g[worst] - w[worst]):.3e} > {RTOL:g} * |ref| + {atol:g}"
        )


def grads_of(result) -> list[np.ndarray]:
    return list(result.W) + list(result.b)


# --------------------------------------------------------------------------------------------------
# numpy reverse mode against finite differences and the explicit Jacobian chain


@at_least(150)
@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(case=cases())
def test_reverse_mode_matches_finite_differences(case: Case):
    avoid_kinks(case)
    grads = mlp.gradients(case.layers, case.x, case.y, case.loss)
    x, y = _batch(case)
    _, output = _forward([l.W for l in case.layers], [l.b for l in case.layers], case.activations, x)
    assert grads.loss == pytest.approx(_loss(case.loss, output, y), rel=1e-13)
    assert_agree("yann.mlp vs finite differences", grads_of(grads), finite_differences(case), ATOL_FD)
    counted()


@at_least(75)
@settings(max_examples=150, **PROPERTY_SETTINGS)
@given(case=cases(batches=False))
def test_reverse_mode_matches_the_explicit_jacobian_chain(case: Case):
    avoid_kinks(case)
    want = grads_of(mlp.gradients(case.layers, case.x, case.y, case.loss))
    for order in ("reverse", "forward"):
        grads_W, grads_b, _ = explicit_chain(case.layers, case.x, case.y, case.loss, order)
        assert_agree(f"explicit chain ({order})", grads_W + grads_b, want, ATOL_EXACT)
    counted()


# --------------------------------------------------------------------------------------------------
# The sympy Jacobian chain (small networks)

SYMPY_DIGITS = 30


def _stage_jacobian(expressions, symbols, at):
    """Jacobian of one stage, derived by sympy from its formula and evaluated at ``at``."""
    import sympy as sp

    J = sp.Matrix(expressions).jacobian(sp.Matrix(symbols))
    return J.xreplace(dict(zip(symbols, at)))


def sympy_chain(case: Case) -> list[np.ndarray]:
    """The gradients as products of sympy Jacobians, one stage at a time, for one 1-D sample:
    ``dL/dW_l = J(E) J(f_L) J_a(L_L) ... J(f_l) J_W(L_l)`` (and ``J_b`` for ``b_l``).

    Written here from the formulas, independently of yann: sympy differentiates each activation
    and loss (ReLU's 0/1 diagonal is written out), ``J_W = I kron a^T`` (row-major), ``J_b = I``
    and ``J_a = W``; every number is a 30-digit float.
    """
    import sympy as sp

    def num(value) -> sp.Float:
        return sp.Float(float(value), SYMPY_DIGITS)

    def column(values) -> sp.Matrix:
        return sp.Matrix([num(v) for v in np.ravel(values)])

    formulas = {"sigmoid": lambda v: 1 / (1 + sp.exp(-v)), "tanh": sp.tanh, "identity": lambda v: v,
                "relu": lambda v: sp.Max(v, 0)}
    Ws = [sp.Matrix([[num(v) for v in row] for row in layer.W]) for layer in case.layers]
    bs = [column(layer.b) for layer in case.layers]
    a = column(case.x)
    inputs, zs = [], []
    for W, b, f in zip(Ws, bs, case.activations):
        inputs.append(a)
        z = W * a + b
        a = z.applyfunc(lambda v, f=f: formulas[f](v).evalf(SYMPY_DIGITS))
        zs.append(z)

    def activation_jacobian(f: str, z: sp.Matrix) -> sp.Matrix:
        if f == "relu":
            return sp.diag(*[1 if v > 0 else 0 for v in z])
        s = [sp.Symbol(f"z_{k}", real=True) for k in range(z.rows)]
        return _stage_jacobian([formulas[f](v) for v in s], s, list(z)).evalf(SYMPY_DIGITS)

    y = column(case.y)
    s = [sp.Symbol(f"a_{k}", real=True) for k in range(a.rows)]
    terms = {
        "bce": [-(t * sp.log(v) + (1 - t) * sp.log(1 - v)) for v, t in zip(s, y)],
        "mse": [(v - t) ** 2 for v, t in zip(s, y)],
        "mae": [sp.Abs(v - t) for v, t in zip(s, y)],
    }[case.loss]
    row = _stage_jacobian([sum(terms) / len(s)], s, list(a)).evalf(SYMPY_DIGITS)

    grads_W, grads_b = [None] * len(Ws), [None] * len(Ws)
    for l in reversed(range(len(Ws))):
        n_out = Ws[l].rows
        row = row * activation_jacobian(case.activations[l], zs[l])
        grads_W[l] = (row * sp.kronecker_product(sp.eye(n_out), inputs[l].T)).reshape(*Ws[l].shape)
        grads_b[l] = row * sp.eye(n_out)
        if l > 0:
            row = row * Ws[l]

    def as_numpy(m: sp.Matrix) -> np.ndarray:
        return np.array(m.evalf(SYMPY_DIGITS).tolist(), dtype=np.float64)

    return [as_numpy(g) for g in grads_W] + [as_numpy(g).reshape(-1) for g in grads_b]


@at_least(20)
@settings(max_examples=40, **PROPERTY_SETTINGS)
@given(case=cases(max_layers=3, max_width=3, batches=False))
def test_reverse_mode_matches_the_sympy_jacobian_chain(case: Case):
    avoid_kinks(case)
    want = grads_of(mlp.gradients(case.layers, case.x, case.y, case.loss))
    assert_agree("sympy chain", sympy_chain(case), want, ATOL_EXACT)
    counted()


# --------------------------------------------------------------------------------------------------
# PyTorch autograd and a TensorFlow GradientTape


def torch_gradients(case: Case) -> list[np.ndarray]:
    """Autograd on the ``nn.Sequential`` that ``yann.torch_io`` builds, in float64."""
    import torch

    from yann import torch_io

    model = torch_io.sequential(case.layers, dtype=np.float64)
    output = model(torch.from_numpy(case.x))
    target = torch.from_numpy(case.y)
    loss = {
        "bce": torch.nn.functional.binary_cross_entropy,
        "mse": torch.nn.functional.mse_loss,
        "mae": torch.nn.functional.l1_loss,
    }[case.loss](output, target)
    loss.backward()
    grads = torch_io.gradients(model)
    n = len(case.layers)
    return [grads[f"W{i}"] for i in range(1, n + 1)] + [grads[f"b{i}"] for i in range(1, n + 1)]


@at_least(60)
@settings(max_examples=120, **PROPERTY_SETTINGS)
@given(case=cases())
def test_torch_autograd_matches_reverse_mode_and_finite_differences(case: Case):
    pytest.importorskip("torch")
    avoid_kinks(case)
    got = torch_gradients(case)
    assert_agree("torch autograd vs yann.mlp", got, grads_of(mlp.gradients(case.layers, case.x, case.y, case.loss)),
                 ATOL_EXACT)
    assert_agree("torch autograd vs finite differences", got, finite_differences(case), ATOL_FD)
    counted()


def tape_gradients(case: Case, keras_model: bool) -> list[np.ndarray]:
    """A GradientTape around the forward pass, in float64: either the book's formulas written with
    TensorFlow ops on ``tf.Variable`` objects (``W`` is (outputs, inputs)), or a Keras model from
    ``yann.keras_io.sequential`` (kernels are (inputs, outputs); ``keras_io.gradients`` converts back)."""
    from yann import keras_io
    from yann.tf_env import keras, tf

    n = len(case.layers)
    x = tf.constant(case.x)
    batch = x if case.batch is not None else x[None, :]
    y = tf.constant(case.y if case.batch is not None else case.y[None, :])
    if keras_model:
        model = keras_io.sequential(case.layers, dtype="float64")
        with tf.GradientTape() as tape:
            output = model(batch, training=True)
            loss = _keras_loss(keras, case.loss, y, output)
        grads = keras_io.gradients(model, tape.gradient(loss, model.trainable_variables))
    else:
        variables = {f"{p}{i}": tf.Variable(getattr(layer, p), name=f"{p}{i}")
                     for i, layer in enumerate(case.layers, start=1) for p in "Wb"}
        act = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh, "identity": tf.identity}
        with tf.GradientTape() as tape:
            a = batch
            for i, f in enumerate(case.activations, start=1):
                a = act[f](tf.matmul(a, variables[f"W{i}"], transpose_b=True) + variables[f"b{i}"])
            loss = _keras_loss(keras, case.loss, y, a)
        grads = {p: g.numpy() for p, g in tape.gradient(loss, variables).items()}
    return [grads[f"W{i}"] for i in range(1, n + 1)] + [grads[f"b{i}"] for i in range(1, n + 1)]


def _keras_loss(keras, name: str, y, output):
    """Keras's own loss functions (a mean over the last axis), then the mean over the batch."""
    per_sample = {
        "bce": keras.losses.binary_crossentropy,
        "mse": keras.losses.mean_squared_error,
        "mae": keras.losses.mean_absolute_error,
    }[name](y, output)
    return keras.ops.mean(per_sample)


@at_least(40)
@settings(max_examples=80, **PROPERTY_SETTINGS)
@given(case=cases(), keras_model=st.booleans())
def test_tensorflow_tape_matches_reverse_mode_and_finite_differences(case: Case, keras_model: bool):
    pytest.importorskip("yann.tf_env")  # never "tensorflow": yann.tf_env must come first
    avoid_kinks(case)
    got = tape_gradients(case, keras_model)
    assert_agree("TensorFlow tape vs yann.mlp", got, grads_of(mlp.gradients(case.layers, case.x, case.y, case.loss)),
                 ATOL_EXACT)
    assert_agree("TensorFlow tape vs finite differences", got, finite_differences(case), ATOL_FD)
    counted()
