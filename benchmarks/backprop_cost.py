"""What backpropagation costs: an explicit Jacobian chain against reverse mode, and yann against PyTorch.

A timing script, not a test. Two parts:

(a) chain    the gradients of a 3-layer network of width n (one sample, float64) as a product of
             materialised Jacobians (``explicit_chain``, run from chapter 14's own cell by
             tools/chapter_code.py, left to right and right to left) against
             ``yann.mlp.gradients`` (vector-Jacobian products), across widths, with the fitted
             slopes of log(time) against log(width).
(b) step     one training step (forward, backward, SGD update) of the same network, batch 64,
             float32: yann's reverse mode against PyTorch autograd on the CPU, across widths, with
             the ratio yann/torch and the fraction of this machine's matrix-multiply throughput
             that each achieves. A step does three matrix products per layer (the forward one, the
             weight gradient, the input gradient; the first layer needs no input gradient), so
             the time of those products alone, at the best rate either library reaches for
             them, is the practical limit.

Timings are the minimum and the median over rounds; each round runs a few steps of each
contender back to back, interleaved, so a burst of load from elsewhere hits both alike.

    python benchmarks/backprop_cost.py --quick      # under a minute
    python benchmarks/backprop_cost.py              # the recorded run (about a minute when idle)

Prints tables and writes JSON to benchmarks/results/ (the quick run to a .tmp.json file that git
ignores, unless --out says otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median


def _threads_from_argv() -> int | None:
    """``--threads N`` has to act before numpy and torch start their thread pools (at import)."""
    for i, arg in enumerate(sys.argv):
        value = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            sys.argv[i + 1] if arg == "--threads" and i + 1 < len(sys.argv) else None)
        if value is not None:
            for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ[name] = value
            return int(value)
    return None


THREADS = _threads_from_argv()

import numpy as np  # after the thread settings
import torch
from numpy.testing import assert_allclose

from yann import mlp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))
from chapter_code import chapter_functions

if THREADS is not None:
    torch.set_num_threads(THREADS)

# chapter 14's code, run from the chapter's cells: what the reader sees is what is timed
explicit_chain, chain_cost, vjp_cost = chapter_functions("14_jacobian_cost", "explicit_chain", "chain_cost", "vjp_cost")

DEPTH = 3
BATCH = 64
LEARNING_RATE = 0.01
ACTIVATIONS = ("relu", "relu", "sigmoid")  # hidden layers ReLU, output sigmoid, loss BCE


# ---------------------------------------------------------------------------------------------
# Timing


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of ``fn``, over ``calls`` calls back to back."""
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def calls_for(fn: Callable[[], object], target_s: float) -> int:
    """How many calls of ``fn`` take about ``target_s`` (at least 1); also warms ``fn`` up."""
    fn()
    once = per_call(fn, 1)
    return max(1, int(target_s / max(once, 1e-7)))


PATIENCE = 3.0  # a race may take this many times its planned time on a busy machine (--patience)


def race(contenders: dict[str, Callable[[], object]], rounds: int, target_s: float) -> dict[str, dict[str, float]]:
    """Min and median seconds per call of each contender, timed in interleaved rounds.

    Each round gives every contender about ``target_s``. On a busy machine the rounds take longer
    than planned; after PATIENCE times the planned time no new round starts (two rounds at least).
    """
    calls = {name: calls_for(fn, target_s) for name, fn in contenders.items()}
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    deadline = time.perf_counter() + PATIENCE * rounds * target_s * len(contenders)
    for done in range(rounds):
        if done >= 2 and time.perf_counter() > deadline:
            break
        for name, fn in contenders.items():
            samples[name].append(per_call(fn, calls[name]))
    return {name: {"min_s": min(s), "median_s": median(s), "rounds": len(s)} for name, s in samples.items()}


def slope(widths: list[int], seconds: list[float], last: int = 3) -> float:
    """Slope of log(seconds) against log(width), fitted over the ``last`` widest points."""
    x, y = np.log(widths[-last:]), np.log(seconds[-last:])
    return float(np.polyfit(x, y, 1)[0])


# ---------------------------------------------------------------------------------------------
# Networks


def random_layers(width: int, dtype, seed: int = 0) -> list[mlp.Layer]:
    """DEPTH layers of shape (width, width), He-scaled weights, small biases."""
    rng = np.random.default_rng(seed)
    return [
        mlp.Layer(
            (rng.standard_normal((width, width)) * np.sqrt(2.0 / width)).astype(dtype),
            (0.01 * rng.standard_normal(width)).astype(dtype),
            activation,
        )
        for activation in ACTIVATIONS
    ]


def torch_model(layers: list[mlp.Layer]) -> torch.nn.Sequential:
    """The same network in PyTorch: nn.Linear.weight has yann's (outputs, inputs) layout."""
    modules: list[torch.nn.Module] = []
    kinds = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "identity": torch.nn.Identity}
    for layer in layers:
        n_out, n_in = layer.W.shape
        linear = torch.nn.Linear(n_in, n_out, dtype=torch.from_numpy(layer.W).dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W))
            linear.bias.copy_(torch.from_numpy(layer.b))
        modules += [linear, kinds[layer.activation]()]
    return torch.nn.Sequential(*modules)


# ---------------------------------------------------------------------------------------------
# (a) explicit Jacobian chain against reverse mode


def chain_part(
    chain_widths: list[int], forward_widths: list[int], vjp_widths: list[int], rounds: int, target_s: float
) -> dict:
    rows = []
    for width in sorted(set(chain_widths) | set(forward_widths) | set(vjp_widths)):
        layers = random_layers(width, np.float64, seed=width)
        rng = np.random.default_rng(1)
        x, y = rng.standard_normal(width), (rng.random(width) < 0.5).astype(np.float64)
        contenders = {"reverse mode (VJPs)": lambda: mlp.gradients(layers, x, y, "bce")} if width in vjp_widths else {}
        if width in chain_widths:
            contenders["explicit, left to right"] = lambda: explicit_chain(layers, x, y, "bce", "reverse")
        if width in forward_widths:
            contenders["explicit, right to left"] = lambda: explicit_chain(layers, x, y, "bce", "forward")
        # the same numbers, whichever way they were computed
        reference = mlp.gradients(layers, x, y, "bce")
        for name in contenders:
            if name.startswith("explicit"):
                order = "reverse" if "left to right" in name else "forward"
                grads_W, grads_b, _ = explicit_chain(layers, x, y, "bce", order)
                for g, r in zip(grads_W + grads_b, reference.W + reference.b):
                    assert_allclose(g, r, rtol=1e-9, atol=1e-12)
        times = race(contenders, rounds, target_s)
        rows.append({
            "width": width,
            "times": times,
            "multiply_adds": {
                "reverse mode (VJPs)": vjp_cost(width, DEPTH),
                "explicit, left to right": chain_cost(width, DEPTH, "reverse"),
                "explicit, right to left": chain_cost(width, DEPTH, "forward"),
            },
            "largest_jacobian_MiB": width**3 * 8 / 2**20,  # one J_W, (width, width * width)
        })
    slopes = {}
    for name in ("reverse mode (VJPs)", "explicit, left to right", "explicit, right to left"):
        pts = [(r["width"], r["times"][name]["min_s"]) for r in rows if name in r["times"]]
        if len(pts) >= 3:
            slopes[name] = slope([w for w, _ in pts], [t for _, t in pts])
    return {"depth": DEPTH, "dtype": "float64", "batch": 1, "rows": rows, "fitted_slopes": slopes}


def print_chain(part: dict) -> None:
    names = ["reverse mode (VJPs)", "explicit, left to right", "explicit, right to left"]
    print(f"\n(a) gradients of a {part['depth']}-layer network of width n, one sample, float64 "
          "(median ms per gradient; '-' = not run)")
    print(f"{'n':>6} " + " ".join(f"{name:>24}" for name in names) + f" {'J_W of one layer':>18}")
    for r in part["rows"]:
        cells = [
            f"{r['times'][name]['median_s'] * 1e3:24.3f}" if name in r["times"] else f"{'-':>24}" for name in names
        ]
        print(f"{r['width']:>6} " + " ".join(cells) + f" {r['largest_jacobian_MiB']:>14.1f} MiB")
    print("fitted slopes of log(time) against log(n), widest three widths: "
          + ", ".join(f"{name} {s:.2f}" for name, s in part["fitted_slopes"].items()))


# ---------------------------------------------------------------------------------------------
# (b) one training step, yann against torch


def step_matmuls(width: int, library: str) -> Callable[[], object]:
    """The matrix products of one training step alone, back to back, in numpy or in torch.

    Per layer: the forward product a W^T and the weight gradient g^T a; below the top layer, the
    input gradient g W. No activations, no update: what remains of a step if everything but the
    matrix products took no time.
    """
    rng = np.random.default_rng(2)
    a = rng.standard_normal((BATCH, width)).astype(np.float32)
    Ws = [rng.standard_normal((width, width)).astype(np.float32) for _ in range(DEPTH)]
    if library == "torch":
        a, Ws = torch.from_numpy(a), [torch.from_numpy(W) for W in Ws]

    def products() -> None:
        activations = [a]
        for W in Ws:
            activations.append(activations[-1] @ W.T)
        grad = activations[-1]
        for i in reversed(range(DEPTH)):
            grad.T @ activations[i]
            if i > 0:
                grad = grad @ Ws[i]

    if library == "torch":
        def no_grad_products() -> None:
            with torch.no_grad():
                products()
        return no_grad_products
    return products


def step_part(widths: list[int], rounds: int, target_s: float) -> dict:
    rows = []
    for width in widths:
        layers = random_layers(width, np.float32)
        rng = np.random.default_rng(3)
        x = rng.standard_normal((BATCH, width)).astype(np.float32)
        y = (rng.random((BATCH, width)) < 0.5).astype(np.float32)
        model = torch_model(layers)
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        state = {"layers": layers}

        def yann_step() -> float:
            grads = mlp.gradients(state["layers"], x, y, "bce")
            state["layers"] = mlp.sgd_step(state["layers"], grads, LEARNING_RATE)
            return grads.loss

        def torch_step() -> torch.Tensor:
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.binary_cross_entropy(model(xt), yt)
            loss.backward()
            optimizer.step()
            return loss

        # one step from the same weights: the same network, the same loss, the same update
        loss_yann, loss_torch = yann_step(), float(torch_step().detach())
        assert_allclose(loss_yann, loss_torch, rtol=1e-5)
        for layer, linear in zip(state["layers"], model[::2]):
            assert_allclose(layer.W, linear.weight.detach().numpy(), rtol=1e-4, atol=1e-6)

        times = race({
            "yann": yann_step,
            "torch": torch_step,
            "numpy matmuls only": step_matmuls(width, "numpy"),
            "torch matmuls only": step_matmuls(width, "torch"),
        }, rounds, target_s)
        limit_s = min(times["numpy matmuls only"]["min_s"], times["torch matmuls only"]["min_s"])
        flops = 2 * (2 * DEPTH + DEPTH - 1) * BATCH * width * width
        rows.append({
            "width": width,
            "yann_s": times["yann"],
            "torch_s": times["torch"],
            "ratio_yann_over_torch": {k: times["yann"][k] / times["torch"][k] for k in ("min_s", "median_s")},
            "numpy_matmuls_s": times["numpy matmuls only"],
            "torch_matmuls_s": times["torch matmuls only"],
            "matmul_limit_s": limit_s,
            "matmul_gflops": flops / limit_s / 1e9,
            "step_gflop": flops / 1e9,
            "fraction_of_matmul_throughput": {lib: limit_s / times[lib]["min_s"] for lib in ("yann", "torch")},
            "yann_fraction_of_numpy_matmuls": times["numpy matmuls only"]["min_s"] / times["yann"]["min_s"],
        })
    return {"depth": DEPTH, "batch": BATCH, "dtype": "float32", "activations": list(ACTIVATIONS),
            "loss": "bce", "learning_rate": LEARNING_RATE, "rows": rows}


def print_step(part: dict) -> None:
    print(f"\n(b) one training step, {part['depth']} layers of width n, batch {part['batch']}, "
          f"{part['dtype']} (ms per step: min / median over rounds)")
    print(f"{'n':>6} {'yann':>17} {'torch':>17} {'yann/torch':>11} {'matmul limit':>13} "
          f"{'yann of limit':>14} {'torch of limit':>15} {'limit GF/s':>11}")
    for r in part["rows"]:
        y, t, best, gflops = r["yann_s"], r["torch_s"], r["matmul_limit_s"], r["matmul_gflops"]
        print(f"{r['width']:>6} {y['min_s'] * 1e3:8.3f}/{y['median_s'] * 1e3:8.3f} "
              f"{t['min_s'] * 1e3:8.3f}/{t['median_s'] * 1e3:8.3f} {r['ratio_yann_over_torch']['min_s']:11.2f} "
              f"{best * 1e3:10.3f} ms {r['fraction_of_matmul_throughput']['yann']:13.0%} "
              f"{r['fraction_of_matmul_throughput']['torch']:15.0%} {gflops:11.0f}")
    print("ratio and fractions from the minima; matmul limit = the step's matrix products alone, back to back,")
    print("in numpy or in torch, whichever was faster (GF/s: the rate it reached)")


# ---------------------------------------------------------------------------------------------
# The machine


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    torch_config = torch.__config__.show()
    parts = torch_config.replace(",", " ").split()
    torch_blas = next((part.split("=", 1)[1] for part in parts if part.startswith("BLAS_INFO=")), "?")
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
        "torch": torch.__version__,
        "torch_blas": torch_blas,
        "torch_threads": torch.get_num_threads(),
        "blas_threads_requested": THREADS,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def main() -> None:
    global PATIENCE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer widths and rounds: under a minute")
    parser.add_argument("--out", type=Path, help="where to write the JSON (default: benchmarks/results/)")
    parser.add_argument("--threads", type=int, help="threads for numpy's BLAS and for torch (default: all)")
    parser.add_argument("--patience", type=float, default=PATIENCE,
                        help="how many times its planned time a race may take on a busy machine "
                        f"(default {PATIENCE:g})")
    args = parser.parse_args()
    PATIENCE = args.patience

    if args.quick:
        settings = dict(
            chain=[32, 64, 96, 128], forward=[16, 24, 32, 48], vjp=[32, 64, 128, 256, 512, 1024],
            steps=[64, 256, 512, 1024], rounds=5, target_s=0.04,
        )
    else:
        settings = dict(
            chain=[32, 64, 128, 192, 256], forward=[16, 32, 48, 64, 96], vjp=[32, 64, 128, 256, 512, 1024, 2048],
            steps=[64, 128, 256, 512, 1024, 2048], rounds=15, target_s=0.1,
        )
    name = "backprop_cost" + (f"-{args.threads}thread" if args.threads else "") + ("-quick.tmp" if args.quick else "")
    out = args.out or HERE / "results" / f"{name}.json"

    start = time.perf_counter()
    info = machine()
    print(f"{info['cpu']}, {info['cpus_available']} CPUs; numpy {info['numpy']} ({info['numpy_blas']}), "
          f"torch {info['torch']} ({info['torch_blas']}, {info['torch_threads']} threads); "
          f"load average {info['load_average_at_start']}")
    chain = chain_part(
        settings["chain"], settings["forward"], settings["vjp"], settings["rounds"], settings["target_s"]
    )
    print_chain(chain)
    step = step_part(settings["steps"], settings["rounds"], settings["target_s"])
    print_step(step)
    info["load_average_at_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    elapsed = time.perf_counter() - start
    print(f"\n{elapsed:.0f} s; load average at the end {info['load_average_at_end']}")

    settings["patience"] = PATIENCE
    result = {
        "quick": args.quick, "seconds": elapsed, "settings": settings, "machine": info, "chain": chain, "step": step
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to {out.relative_to(HERE.parent) if out.is_relative_to(HERE.parent) else out.name}")


if __name__ == "__main__":
    main()
