import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from yann import mlp
from yann.example import RUNNING

# torch is imported when this file's tests run, not when pytest collects it: each parallel worker
# collects every file, and only the one that runs these tests needs torch.
torch = torch_io = None


@pytest.fixture(autouse=True, scope="module")
def _torch():
    global torch, torch_io
    torch = pytest.importorskip("torch")
    from yann import torch_io

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "06_pytorch.md"


def random_layers(seed=3):
    rng = np.random.default_rng(seed)
    return [
        mlp.Layer(rng.normal(size=(5, 4)), rng.normal(size=5), "tanh"),
        mlp.Layer(rng.normal(size=(2, 5)), rng.normal(size=2), "sigmoid"),
    ]


def function_node(source: str, name: str) -> ast.FunctionDef:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise AssertionError(f"no function {name} found")


def without_docstring(node: ast.FunctionDef) -> str:
    """The function's arguments and statements, its name and docstring left out."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return ast.dump(node.args) + "".join(ast.dump(statement) for statement in body)


def chapter_code() -> str:
    text = CHAPTER.read_text()
    cells = text.split("```{code-cell} ipython3\n")[1:]
    return "\n".join(
        "\n".join(line for line in cell.split("\n```")[0].splitlines() if not line.startswith(":tags:"))
        for cell in cells
    )


def test_sequential_is_the_code_chapter_6_writes():
    """yann's model builder is the chapter's function, statement for statement (issue 13 item 1)."""
    import inspect

    chapter = function_node(chapter_code(), "sequential")
    ours = function_node(inspect.getsource(torch_io), "_sequential")
    assert without_docstring(chapter) == without_docstring(ours)
    chapter_table = [n for n in ast.walk(ast.parse(chapter_code()))
                     if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "ACTIVATIONS"]
    assert chapter_table, "chapter 6 defines ACTIVATIONS"
    names = {k.value: v.attr for k, v in zip(chapter_table[0].value.keys, chapter_table[0].value.values)}
    assert names == {k: v.__name__ for k, v in torch_io.ACTIVATIONS.items()}


def test_import_yann_does_not_import_torch():
    code = "import sys, yann, yann.example, yann.mlp, yann.printing; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_public_functions_are_the_ones_later_chapters_use():
    from bad_input import public_functions

    assert public_functions(torch_io) == {"sequential", "parameters", "gradients"}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("source", ["running", "random"])
def test_parameters_round_trip_unchanged(dtype, source):
    layers = RUNNING.layers() if source == "running" else random_layers()
    out = torch_io.parameters(torch_io.sequential(layers, dtype))
    assert list(out) == ["W1", "b1", "W2", "b2"]
    for i, layer in enumerate(layers, start=1):
        assert out[f"W{i}"].dtype == dtype and out[f"W{i}"].shape == layer.W.shape
        assert_array_equal(out[f"W{i}"], layer.W.astype(dtype))
        assert_array_equal(out[f"b{i}"], layer.b.astype(dtype))


def test_parameters_are_copies():
    model = torch_io.sequential(RUNNING.layers())
    out = torch_io.parameters(model)
    out["W1"][0, 0] = 99.0
    assert model[0].weight[0, 0].item() != 99.0


def test_sequential_layout_is_linear_weight_out_in():
    model = torch_io.sequential(RUNNING.layers())
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU", "Linear", "Sigmoid"]
    assert tuple(model[2].weight.shape) == (2, 3)
    assert model[2].weight.dtype == torch.float32
    assert_allclose(model[2].weight.detach().numpy()[1], [0.3, 0.8, 0.7], rtol=1e-7)
    assert torch_io.sequential(RUNNING.layers(), torch.float64)[0].weight.dtype == torch.float64


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("source", ["running", "random"])
def test_gradients_read_back_equal_mlp_gradients(dtype, rtol, source):
    layers = RUNNING.layers() if source == "running" else random_layers()
    x = RUNNING.array("x") if source == "running" else np.array([0.3, -1.2, 0.5, 2.0])
    y = RUNNING.array("y") if source == "running" else np.array([0.0, 1.0])
    expected = mlp.gradients(layers, x, y)

    model = torch_io.sequential(layers, dtype)
    out = model(torch.tensor(x.astype(dtype)))
    torch.nn.BCELoss()(out, torch.tensor(y.astype(dtype))).backward()
    got = torch_io.gradients(model)
    for i in range(len(layers)):
        assert got[f"W{i + 1}"].shape == layers[i].W.shape
        assert_allclose(got[f"W{i + 1}"], expected.W[i], rtol=rtol, atol=rtol * 1e-2)
        assert_allclose(got[f"b{i + 1}"], expected.b[i], rtol=rtol, atol=rtol * 1e-2)


def test_models_of_the_wrong_architecture_are_refused():
    hidden, output = torch.nn.Linear(3, 3), torch.nn.Linear(3, 2)
    nested = torch.nn.Sequential(torch.nn.Sequential(hidden, torch.nn.ReLU()), output)
    assert list(torch_io.parameters(nested)) == ["W1", "b1", "W2", "b2"]  # nesting is fine
    with pytest.raises(ValueError, match=r"uses one nn.Linear\(3, 3\) twice"):
        torch_io.parameters(torch.nn.Sequential(hidden, hidden, output))
    with pytest.raises(ValueError, match=r"W2 has shape \(3, 3\), expected \(3, 2\).*do not chain"):
        torch_io.gradients(torch.nn.Sequential(output, hidden))
    with pytest.raises(ValueError, match=r"W1 has no bias"):
        torch_io.parameters(torch.nn.Sequential(torch.nn.Linear(3, 2, bias=False)))


def test_other_refusals_name_the_problem():
    with pytest.raises(TypeError, match="dtype is int64, expected float32 or float64"):
        torch_io.sequential(RUNNING.layers(), np.int64)
    with pytest.raises(TypeError, match="dtype is float16"):
        torch_io.sequential(RUNNING.layers(), torch.float16)
    with pytest.raises(ValueError, match="W1 has no gradient: call loss.backward"):
        torch_io.gradients(torch_io.sequential(RUNNING.layers()))
    huge = [mlp.Layer(RUNNING.array("W1") * 1e39, RUNNING.array("b1"), "relu")]
    with pytest.raises(ValueError, match="W1 holds values too large for float32"):
        torch_io.sequential(huge)
    assert torch_io.sequential(huge, np.float64)[0].weight.dtype == torch.float64
