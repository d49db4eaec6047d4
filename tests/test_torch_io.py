import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

torch = pytest.importorskip("torch")

from yann import mlp, torch_io  # noqa: E402
from yann.example import RUNNING  # noqa: E402


def random_layers(seed=3):
    rng = np.random.default_rng(seed)
    return [
        mlp.Layer(rng.normal(size=(5, 4)), rng.normal(size=5), "tanh"),
        mlp.Layer(rng.normal(size=(2, 5)), rng.normal(size=2), "sigmoid"),
    ]


def test_import_yann_does_not_import_torch():
    code = "import sys, yann, yann.example, yann.mlp, yann.printing; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("source", ["running", "random"])
def test_parameters_round_trip_unchanged(dtype, source):
    layers = RUNNING.layers() if source == "running" else random_layers()
    model = torch_io.sequential(layers, dtype)
    tensors = torch_io.parameter_tensors(layers, dtype)
    for out in (torch_io.parameters(model), torch_io.parameters(tensors)):
        assert list(out) == ["W1", "b1", "W2", "b2"]
        for i, layer in enumerate(layers, start=1):
            assert out[f"W{i}"].dtype == dtype and out[f"W{i}"].shape == layer.W.shape
            assert_array_equal(out[f"W{i}"], layer.W.astype(dtype))
            assert_array_equal(out[f"b{i}"], layer.b.astype(dtype))
    assert all(t.requires_grad and t.is_leaf for t in tensors.values())


def test_sequential_layout_is_linear_weight_out_in():
    model = torch_io.sequential(RUNNING)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU", "Linear", "Sigmoid"]
    assert tuple(model[2].weight.shape) == (2, 3)
    assert_allclose(model[2].weight.detach().numpy()[1], [0.3, 0.8, 0.7], rtol=1e-7)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("source", ["running", "random"])
def test_gradients_read_back_equal_mlp_gradients(dtype, rtol, source):
    layers = RUNNING.layers() if source == "running" else random_layers()
    x = RUNNING.array("x") if source == "running" else np.array([0.3, -1.2, 0.5, 2.0])
    y = RUNNING.array("y") if source == "running" else np.array([0.0, 1.0])
    expected = mlp.gradients(layers, x, y)

    model = torch_io.sequential(layers, dtype)
    out = model(torch_io.tensor("x", x, dtype=dtype))
    torch.nn.BCELoss()(out, torch_io.tensor("y", y, dtype=dtype)).backward()
    got = torch_io.gradients(model)
    for i in range(len(layers)):
        assert got[f"W{i + 1}"].shape == layers[i].W.shape
        assert_allclose(got[f"W{i + 1}"], expected.W[i], rtol=rtol, atol=rtol * 1e-2)
        assert_allclose(got[f"b{i + 1}"], expected.b[i], rtol=rtol, atol=rtol * 1e-2)


def test_raw_tensor_gradients_and_sgd_step_match_mlp():
    params = torch_io.parameter_tensors(RUNNING, np.float64)
    x, y = (torch_io.tensor(n, RUNNING.array(n), dtype=np.float64) for n in "xy")
    a1 = torch.relu(params["W1"] @ x + params["b1"])
    a2 = torch.sigmoid(params["W2"] @ a1 + params["b2"])
    torch.nn.functional.binary_cross_entropy(a2, y).backward()
    expected = mlp.gradients(RUNNING.layers(), RUNNING.array("x"), RUNNING.array("y"))
    assert_allclose(torch_io.gradients(params)["W1"], expected.W[0], rtol=1e-12)
    torch.optim.SGD(params.values(), lr=0.01).step()
    after = mlp.sgd_step(RUNNING.layers(), expected, 0.01)
    assert_allclose(torch_io.parameters(params)["W2"], after[1].W, rtol=1e-14)


def test_transposed_weight_is_refused_with_a_layout_message():
    linear = torch.nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"W2 has shape \(3, 2\), expected \(2, 3\).*looks transposed"):
        torch_io.load_linear(linear, RUNNING.array("W2").T, RUNNING.array("b2"), name="W2")


@pytest.mark.parametrize(
    "W, b, message",
    [
        (np.zeros((2, 4)), np.zeros(2), r"W2 has shape \(2, 4\), expected \(2, 3\) = \(outputs, inputs\)"),
        (np.zeros((2, 3)), np.zeros(3), r"b2 has shape \(3,\), expected \(2,\)"),
        (np.zeros(6), np.zeros(2), r"W2 has shape \(6,\) \(1-D\), expected 2-D"),
    ],
)
def test_wrong_shapes_are_refused_not_reshaped(W, b, message):
    linear = torch.nn.Linear(3, 2)
    before = linear.weight.detach().clone()
    with pytest.raises(ValueError, match=message):
        torch_io.load_linear(linear, W, b, name="W2")
    assert torch.equal(linear.weight.detach(), before)


def test_other_refusals_name_the_problem():
    with pytest.raises(ValueError, match=r"x has shape \(3,\), expected \(3, 1\)"):
        torch_io.tensor("x", RUNNING.array("x"), shape=(3, 1))
    with pytest.raises(TypeError, match="dtype is int64, expected float32 or float64"):
        torch_io.parameter_tensors(RUNNING, np.int64)
    with pytest.raises(TypeError, match="dtype is float16"):
        torch_io.sequential(RUNNING, torch.float16)
    with pytest.raises(ValueError, match="W1 has no gradient: call loss.backward"):
        torch_io.gradients(torch_io.sequential(RUNNING))
    with pytest.raises(ValueError, match=r"W2 has shape \(2, 4\), expected \(2, 3\)"):
        torch_io.as_layers([RUNNING.layers()[0], mlp.Layer(np.zeros((2, 4)), np.zeros(2), "sigmoid")])
