"""yann's reverse mode (``yann.mlp.gradients``) against PyTorch autograd, against central finite
differences and against chapter 14's explicit Jacobian chain (run from the chapter's cell), on random
networks of several depths, widths, activations and losses, in float64 to 1e-10."""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
import pytest
from conftest import ROOT
from numpy.testing import assert_allclose

from yann import mlp

sys.path.insert(0, str(ROOT / "tools"))
from chapter_code import chapter_functions

(explicit_chain,) = chapter_functions("14_jacobian_cost", "explicit_chain")


def written_out_loss(loss, output, y):
    """The loss of one sample with Python loops over its outputs: no yann code involved."""
    import math

    pairs = list(zip(np.ravel(output).tolist(), np.ravel(y).tolist()))
    if loss == "bce":
        return -sum(t * math.log(a) + (1 - t) * math.log(1 - a) for a, t in pairs) / len(pairs)
    if loss == "mse":
        return sum((a - t) ** 2 for a, t in pairs) / len(pairs)
    return sum(abs(a - t) for a, t in pairs) / len(pairs)  # mae

# (widths, activations, loss): every activation and loss, depths 1 to 4, narrow and wide, square
# and not. BCE needs outputs in (0, 1), so its networks end in a sigmoid.
NETWORKS = [
    ([3, 2], ["sigmoid"], "bce"),
    ([4, 6, 3], ["tanh", "sigmoid"], "bce"),
    ([5, 8, 8, 4], ["relu", "tanh", "sigmoid"], "bce"),
    ([3, 7, 2], ["relu", "identity"], "mse"),
    ([6, 4, 5, 3, 2], ["sigmoid", "relu", "tanh", "identity"], "mse"),
    ([4, 3], ["tanh"], "mae"),
    ([5, 9, 6, 3], ["identity", "relu", "sigmoid"], "mae"),
    ([16, 32, 16, 8], ["relu", "relu", "sigmoid"], "bce"),
]
IDS = [f"{'-'.join(map(str, w))}-{loss}" for w, _, loss in NETWORKS]


def make_case(widths, activations, loss, batch, seed):
    """Random layers, inputs and targets (float64). ``batch=None`` means one 1-D sample."""
    rng = np.random.default_rng(seed)
    layers = [
        mlp.Layer(rng.normal(size=(n_out, n_in)) / np.sqrt(n_in), rng.normal(scale=0.5, size=n_out), act)
        for n_in, n_out, act in zip(widths[:-1], widths[1:], activations)
    ]
    shape_x = (widths[0],) if batch is None else (batch, widths[0])
    shape_y = (widths[-1],) if batch is None else (batch, widths[-1])
    x = rng.normal(size=shape_x)
    y = rng.uniform(0.05, 0.95, size=shape_y) if loss == "bce" else rng.normal(size=shape_y)
    return layers, x, y


def assert_not_degenerate(grads):
    assert all(np.abs(g).max() > 1e-3 for g in grads.W), "a degenerate case: some layer has no gradient"


def torch_gradients(layers, x, y, loss):
    """The same network written directly in torch, float64; autograd gives the gradients."""
    torch = pytest.importorskip("torch")  # only the autograd comparisons need torch
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda t: t}
    Ws = [torch.tensor(layer.W, requires_grad=True) for layer in layers]
    bs = [torch.tensor(layer.b, requires_grad=True) for layer in layers]
    a = torch.tensor(x)
    for W, b, layer in zip(Ws, bs, layers):
        a = act[layer.activation](a @ W.T + b)
    target = torch.tensor(y)
    value = {
        "bce": torch.nn.functional.binary_cross_entropy,
        "mse": torch.nn.functional.mse_loss,
        "mae": torch.nn.functional.l1_loss,
    }[loss](a, target)
    value.backward()
    return float(value.detach()), [W.grad.numpy() for W in Ws], [b.grad.numpy() for b in bs]


def kinks(layers, x, y, loss):
    """Which side of every kink the network is on: ReLU inputs, and output - target for MAE."""
    values = mlp.forward(layers, x)
    sides = [z > 0 for z, layer in zip(values.z, layers) if layer.activation == "relu"]
    if loss == "mae":
        sides.append(values.output > y)
    return sides


def central_differences(layers, x, y, loss, h=5e-4):
    """Every gradient by the fourth-order central difference (f(-2h), f(-h), f(h), f(2h)).

    Its error is about h**4 (truncation) plus 1e-16 / h (rounding): near 1e-12 for h = 5e-4, so a
    1e-10 tolerance tests the gradients, not the difference formula. ReLU and MAE have kinks: every
    shifted point must lie on the same side of each kink as the centre, or the formula is invalid.
    """
    centre = kinks(layers, x, y, loss)
    Ws = [layer.W.copy() for layer in layers]
    bs = [layer.b.copy() for layer in layers]

    def loss_at(params, index, pos, shift):
        old = params[index][pos]
        params[index][pos] = old + shift
        shifted = [mlp.Layer(W, b, layer.activation) for W, b, layer in zip(Ws, bs, layers)]
        sides = kinks(shifted, x, y, loss)
        assert all(np.array_equal(s, c) for s, c in zip(sides, centre)), "a difference step crosses a kink"
        value = mlp.gradients(shifted, x, y, loss).loss
        params[index][pos] = old
        return value

    result = []
    for params in (Ws, bs):
        grads = []
        for index, p in enumerate(params):
            g = np.empty_like(p)
            for pos in np.ndindex(p.shape):
                f = [loss_at(params, index, pos, k * h) for k in (-2, -1, 1, 2)]
                g[pos] = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)
            grads.append(g)
        result.append(grads)
    return result


@pytest.mark.parametrize("batch", [None, 1, 7], ids=["one-sample", "batch-1", "batch-7"])
@pytest.mark.parametrize("widths, activations, loss", NETWORKS, ids=IDS)
def test_gradients_match_torch_autograd(widths, activations, loss, batch):
    layers, x, y = make_case(widths, activations, loss, batch, seed=len(widths) * 10 + len(loss))
    ours = mlp.gradients(layers, x, y, loss)
    assert_not_degenerate(ours)
    loss_t, W_t, b_t = torch_gradients(layers, x, y, loss)
    assert_allclose(ours.loss, loss_t, rtol=1e-12)
    for i, (gW, gb, tW, tb) in enumerate(zip(ours.W, ours.b, W_t, b_t), start=1):
        assert gW.shape == layers[i - 1].W.shape and gb.shape == layers[i - 1].b.shape
        assert_allclose(gW, tW, rtol=1e-10, atol=1e-12, err_msg=f"grad W{i}")
        assert_allclose(gb, tb, rtol=1e-10, atol=1e-12, err_msg=f"grad b{i}")


@pytest.mark.parametrize("batch", [None, 5], ids=["one-sample", "batch-5"])
@pytest.mark.parametrize("widths, activations, loss", NETWORKS[:7], ids=IDS[:7])
def test_gradients_match_central_differences(widths, activations, loss, batch):
    layers, x, y = make_case(widths, activations, loss, batch, seed=6 + len(widths))
    ours = mlp.gradients(layers, x, y, loss)
    assert_not_degenerate(ours)
    fd_W, fd_b = central_differences(layers, x, y, loss)
    for i, (gW, gb, eW, eb) in enumerate(zip(ours.W, ours.b, fd_W, fd_b), start=1):
        assert_allclose(gW, eW, rtol=1e-10, atol=1e-10, err_msg=f"grad W{i}")
        assert_allclose(gb, eb, rtol=1e-10, atol=1e-10, err_msg=f"grad b{i}")


@pytest.mark.parametrize("order", ["reverse", "forward"])
@pytest.mark.parametrize("widths, activations, loss", NETWORKS, ids=IDS)
def test_explicit_chain_agrees_with_reverse_mode(widths, activations, loss, order):
    layers, x, y = make_case(widths, activations, loss, None, seed=11)
    ours = mlp.gradients(layers, x, y, loss)
    assert_not_degenerate(ours)
    chain_W, chain_b, _ = explicit_chain(layers, x, y, loss, order)
    # The loss against a formula written out here, from the forward values.
    output = mlp.forward(layers, x).output
    assert_allclose(ours.loss, written_out_loss(loss, output, y), rtol=1e-13)
    for i, (cW, cb, gW, gb) in enumerate(zip(chain_W, chain_b, ours.W, ours.b), start=1):
        assert_allclose(cW, gW, rtol=1e-12, atol=1e-15, err_msg=f"grad W{i}")
        assert_allclose(cb, gb, rtol=1e-12, atol=1e-15, err_msg=f"grad b{i}")


def test_batch_gradient_is_the_mean_of_the_sample_gradients():
    layers, x, y = make_case([4, 6, 3], ["relu", "sigmoid"], "bce", 6, seed=5)
    batch = mlp.gradients(layers, x, y, "bce")
    for k in range(2):
        singles = [getattr(mlp.gradients(layers, xi, yi, "bce"), "Wb"[k]) for xi, yi in zip(x, y)]
        for i, g in enumerate(getattr(batch, "Wb"[k])):
            # BCE is a mean over every output of every sample: a batch of 6 weighs each sample 1/6
            assert_allclose(g, np.mean([s[i] for s in singles], axis=0), rtol=1e-12, atol=1e-15)


def test_reverse_mode_never_holds_a_jacobian():
    """At width 256 a J_W has 256**3 entries (128 MiB); reverse mode's peak stays near the weights'."""
    layers, x, y = make_case([256, 256, 256], ["relu", "sigmoid"], "bce", None, seed=1)
    weight_bytes = sum(layer.W.nbytes for layer in layers)
    tracemalloc.start()
    try:
        mlp.gradients(layers, x, y, "bce")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * weight_bytes  # the gradients (same size as the weights) and a little more
    assert 256**3 * 8 > 100 * weight_bytes  # one J_W of the explicit chain


def test_sgd_step_leaves_the_old_layers_and_gradients_alone():
    layers, x, y = make_case([3, 4, 2], ["tanh", "sigmoid"], "bce", 5, seed=2)
    before = [(layer.W.copy(), layer.b.copy()) for layer in layers]
    grads = mlp.gradients(layers, x, y, "bce")
    grad_copies = [g.copy() for g in grads.W + grads.b]
    new = mlp.sgd_step(layers, grads, 0.5)
    for layer, (W, b), fresh, gW, gb in zip(layers, before, new, grads.W, grads.b):
        assert np.array_equal(layer.W, W) and np.array_equal(layer.b, b)
        assert fresh.W is not layer.W and not np.shares_memory(fresh.W, gW)
        assert np.array_equal(fresh.W, W - 0.5 * gW) and np.array_equal(fresh.b, b - 0.5 * gb)  # bit for bit
    for g, copy in zip(grads.W + grads.b, grad_copies):
        assert np.array_equal(g, copy)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_step_keeps_the_dtype_and_refuses_a_step_to_infinity(dtype):
    layers, x, y = make_case([3, 2], ["identity"], "mse", 4, seed=9)
    layers = [mlp.Layer(layer.W.astype(dtype), layer.b.astype(dtype), layer.activation) for layer in layers]
    grads = mlp.gradients(layers, x.astype(dtype), y.astype(dtype), "mse")
    assert mlp.sgd_step(layers, grads, 0.1)[0].W.dtype == dtype
    huge = mlp.Gradients(grads.loss, tuple(np.full_like(g, 4) for g in grads.W), grads.b, grads.forward)
    with np.errstate(over="ignore"), pytest.raises(ValueError, match="W holds non-finite values"):
        mlp.sgd_step(layers, huge, np.finfo(dtype).max)


def test_sgd_step_still_accepts_gradients_of_another_dtype():
    """Gradients that are not arrays of the layer's dtype take the general path, as before."""
    layers, x, y = make_case([3, 2], ["tanh"], "mse", 4, seed=4)
    grads = mlp.gradients(layers, x, y, "mse")
    grads32 = mlp.Gradients(grads.loss, tuple(g.astype(np.float32) for g in grads.W), grads.b, grads.forward)
    new = mlp.sgd_step(layers, grads32, 0.1)
    assert new[0].W.dtype == np.float64
    assert np.array_equal(new[0].W, layers[0].W - np.float64(0.1) * grads32.W[0])
