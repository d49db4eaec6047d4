"""yann.trace: training traces checked against PyTorch autograd, step by step, in float64."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from yann import mlp, trace
from yann.printing import table


def random_network(rng, widths, activations, dtype=np.float64):
    return [
        mlp.Layer(rng.normal(size=(n_out, n_in)).astype(dtype), rng.normal(size=n_out).astype(dtype), act)
        for n_in, n_out, act in zip(widths[:-1], widths[1:], activations)
    ]


def torch_loss(torch, name, out, y):
    if name == "mse":
        return torch.nn.functional.mse_loss(out, y)
    if name == "bce":
        return torch.nn.functional.binary_cross_entropy(out, y)
    if name == "mae":
        return torch.nn.functional.l1_loss(out, y)
    return 0.5 * ((y - out) ** 2).sum(dim=-1).mean()


def torch_trace(layers, x, y, loss, lr, steps, frozen):
    """The same run in PyTorch: autograd for the gradients, torch.optim.SGD for the updates."""
    torch = pytest.importorskip("torch")  # only these tests need torch
    activation = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "identity": lambda z: z}
    Ws = [torch.tensor(layer.W, requires_grad=True) for layer in layers]
    bs = [torch.tensor(layer.b, requires_grad=not fixed) for layer, fixed in zip(layers, frozen)]
    trainable = Ws + [b for b in bs if b.requires_grad]
    optimizer = torch.optim.SGD(trainable, lr=lr)
    xt, yt = torch.tensor(x), torch.tensor(y)
    records = []
    for _ in range(steps + 1):
        # Frozen biases get a gradient too (for the record) through a copy that requires grad.
        probes = [b if b.requires_grad else b.detach().clone().requires_grad_(True) for b in bs]
        a = xt
        for W, b, layer in zip(Ws, probes, layers):
            a = activation[layer.activation](a @ W.T + b)
        value = torch_loss(torch, loss, a, yt)
        optimizer.zero_grad()
        for p in probes:
            p.grad = None
        value.backward()
        records.append(
            dict(
                output=a.detach().numpy().copy(),
                loss=value.item(),
                W=[W.detach().numpy().copy() for W in Ws],
                b=[b.detach().numpy().copy() for b in bs],
                grad_W=[W.grad.numpy().copy() for W in Ws],
                grad_b=[p.grad.numpy().copy() for p in probes],
            )
        )
        optimizer.step()
    return records


CASES = [
    # widths, activations, loss, batch, frozen biases
    ([3, 4, 2], ["sigmoid", "sigmoid"], "mse", None, False),
    ([2, 2, 2], ["sigmoid", "sigmoid"], "half_sse", None, True),
    ([4, 5, 3], ["relu", "sigmoid"], "bce", 6, False),
    ([3, 3, 4, 2], ["tanh", "relu", "identity"], "half_sse", 5, True),
    ([5, 1], ["identity"], "mae", 7, False),
    ([2, 6, 3], ["relu", "sigmoid"], "bce", None, True),
]


@pytest.mark.parametrize("widths, activations, loss, batch, frozen", CASES)
def test_trace_matches_pytorch_autograd(widths, activations, loss, batch, frozen):
    rng = np.random.default_rng(sum(widths) + len(loss))
    layers = [
        mlp.Layer(0.8 * layer.W, layer.b, layer.activation)
        for layer in random_network(rng, widths, activations)
    ]
    shape_x = (batch, widths[0]) if batch else (widths[0],)
    shape_y = (batch, widths[-1]) if batch else (widths[-1],)
    x = rng.normal(size=shape_x)
    y = rng.uniform(0.05, 0.95, size=shape_y) if loss == "bce" else rng.normal(size=shape_y)
    steps, lr = 6, 0.3
    run = trace.train(layers, x, y, learning_rate=lr, steps=steps, loss=loss, freeze_biases=frozen)
    expected = torch_trace(layers, x, y, loss, lr, steps, (frozen,) * len(layers))

    assert run.steps == steps
    for t, ref in enumerate(expected):
        assert_allclose(run.output[t], ref["output"], rtol=1e-12, atol=1e-14)
        assert_allclose(run.loss[t], ref["loss"], rtol=1e-12)
        for i in range(len(layers)):
            for name in ("W", "b", "grad_W", "grad_b"):
                assert_allclose(getattr(run, name)[i][t], ref[name][i], rtol=1e-11, atol=1e-13,
                                err_msg=f"step {t}, {name}[{i}]")
    # The losses really moved, so the comparison covered a real trajectory.
    assert not np.allclose(run.W[0][0], run.W[0][-1])


def test_frozen_biases_stay_fixed_while_their_gradients_are_recorded():
    rng = np.random.default_rng(11)
    layers = random_network(rng, [3, 4, 2], ["sigmoid", "sigmoid"])
    x, y = rng.normal(size=3), rng.uniform(size=2)
    run = trace.train(layers, x, y, learning_rate=0.5, steps=20, loss="mse", freeze_biases=True)
    for i, layer in enumerate(layers):
        assert_array_equal(run.b[i], np.broadcast_to(layer.b, run.b[i].shape))
        assert np.all(np.abs(run.grad_b[i]) > 0)
        assert not np.allclose(run.W[i][-1], layer.W)
    free = trace.train(layers, x, y, learning_rate=0.5, steps=20, loss="mse")
    assert not np.allclose(free.b[0][-1], layers[0].b)


def test_first_record_matches_yann_mlp_and_the_update_is_plain_sgd():
    rng = np.random.default_rng(5)
    layers = random_network(rng, [3, 4, 2], ["relu", "sigmoid"])
    x, y = rng.normal(size=(4, 3)), rng.uniform(size=(4, 2))
    for loss in ("mse", "bce", "mae"):
        run = trace.train(layers, x, y, learning_rate=0.1, steps=1, loss=loss)
        grads = mlp.gradients(layers, x, y, loss)
        assert_allclose(run.loss[0], grads.loss, rtol=1e-14)
        assert_allclose(run.output[0], grads.forward.output, rtol=1e-14)
        stepped = mlp.sgd_step(layers, grads, 0.1)
        for i in range(2):
            assert_allclose(run.grad_W[i][0], grads.W[i], rtol=1e-13)
            assert_allclose(run.grad_b[i][0], grads.b[i], rtol=1e-13)
            assert_allclose(run.W[i][1], stepped[i].W, rtol=1e-14)
            assert_allclose(run.b[i][1], stepped[i].b, rtol=1e-14)


def test_half_sse_is_mse_times_half_the_number_of_outputs():
    rng = np.random.default_rng(2)
    for outputs in (2, 5):
        layers = random_network(rng, [3, outputs], ["sigmoid"])
        x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, outputs))
        half = trace.train(layers, x, y, learning_rate=0.1, steps=0, loss="half_sse")
        mse = trace.train(layers, x, y, learning_rate=0.1, steps=0, loss="mse")
        assert_allclose(half.loss, mse.loss * outputs / 2, rtol=1e-14)
        assert_allclose(half.grad_W[0], mse.grad_W[0] * outputs / 2, rtol=1e-13)


def test_the_classic_worked_example_first_step():
    """The classic 2-2-2 example: error and updated weights as published, to 1e-9."""
    layers = [
        mlp.Layer(np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([0.35, 0.35]), "sigmoid"),
        mlp.Layer(np.array([[0.40, 0.45], [0.50, 0.55]]), np.array([0.60, 0.60]), "sigmoid"),
    ]
    run = trace.train(layers, [0.05, 0.10], [0.01, 0.99], learning_rate=0.5, steps=1, loss="half_sse",
                      freeze_biases=True)
    assert_allclose(run.loss[0], 0.298371109, atol=1e-9)
    assert_allclose(run.output[0], [0.75136507, 0.772928465], atol=1e-8)
    assert_allclose(run.W[0][1], [[0.149780716, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8)
    assert_allclose(run.W[1][1], [[0.35891648, 0.408666186], [0.511301270, 0.561370121]], atol=1e-9)


def test_dtype_is_kept_and_records_are_read_only():
    rng = np.random.default_rng(3)
    layers = random_network(rng, [2, 3, 2], ["tanh", "sigmoid"], dtype=np.float32)
    run = trace.train(layers, np.ones(2, np.float32), [0.2, 0.7], learning_rate=0.5, steps=3)
    assert run.loss.dtype == run.W[0].dtype == run.output.dtype == np.float32
    with pytest.raises(ValueError, match="read-only"):
        run.W[0][0, 0, 0] = 1.0
    assert layers[0].W.flags.writeable  # the caller's layers are untouched and still theirs
    again = run.layers(0)
    assert_array_equal(again[0].W, layers[0].W)
    assert again[0].W.flags.writeable


def test_table_rows_name_every_number_in_both_layouts():
    layers = [mlp.Layer(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.zeros(2), "identity")]
    run = trace.train(layers, [1.0, 0.0, 0.0], [0.0, 0.0], learning_rate=0.1, steps=2)
    rows = run.table_rows()
    assert list(rows["loss"]) == ["step 0", "step 1", "step 2"]
    assert rows["W1[2,3]"]["step 0"] == 6.0
    assert rows["output[2]"]["step 0"] == 4.0
    kernel = run.table_rows(steps=[0, -1], layout="kernel")
    assert kernel["kernel1[3,2]"]["step 0"] == 6.0  # the same weight, (inputs, outputs) indices
    assert [r for r in kernel if r.startswith("kernel1")][:3] == ["kernel1[1,1]", "kernel1[1,2]", "kernel1[2,1]"]
    assert list(kernel["loss"]) == ["step 0", "step 2"]
    assert len(rows) == 2 + 1 + 2 * (6 + 2)
    assert "grad W1[1,1]" in table(rows)


def test_a_long_run_records_every_step_and_learns():
    """10,000 steps (chapter 11's run): every record present and finite, the loss falls 100-fold.
    (How long it takes is measured, not asserted: speed is reported, not tested.)"""
    rng = np.random.default_rng(0)
    layers = random_network(rng, [2, 2, 2], ["sigmoid", "sigmoid"])
    run = trace.train(layers, [0.05, 0.1], [0.01, 0.99], learning_rate=0.5, steps=10_000, loss="half_sse")
    assert run.loss.shape == (10_001,) and run.W[1].shape == (10_001, 2, 2)
    assert np.isfinite(run.loss).all()
    assert run.loss[-1] < run.loss[0] / 100
