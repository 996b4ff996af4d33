"""The safetensors hand-over, both ways, checked with numpy (no torch).

Rust -> Python: tapegrad trains the Playground's circle network and saves it as safetensors
in f64 and f32; this script rebuilds each file as PyTorch would (an nn.Sequential of
nn.Linear layers, the tensors named 0.weight, 0.bias, 2.weight, ...; see tapegrad::save),
runs it on the 500 circle points with numpy matrix products and compares with tapegrad's
outputs: within 1e-12 for f64, 1e-6 for f32.

Python -> Rust: it writes a network of its own (2 -> 8 relu -> 4 linear -> 1 tanh, from a
seeded numpy generator) in f64 and f32 with its numpy outputs, and tapegrad loads it and
compares its predictions, within the same tolerances.

The Rust halves are the ignored tests of tests/python_exchange.rs, run here with cargo.
Needs the PyPI packages safetensors and numpy (.ci/run installs them). Run it from anywhere:

    python3 tests/python/check_safetensors.py [DIR]

The files go through DIR if given (and stay there), else through a temporary directory.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

ROOT = Path(__file__).resolve().parents[2]
# The file's number type: numpy's name for it, and how far numpy's outputs may be from
# tapegrad's (the two sum in different orders; f32 keeps about 7 digits of each parameter).
DTYPES = {"F64": ("float64", 1e-12), "F32": ("float32", 1e-6)}

ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "linear": lambda x: x,
}


def sequential_layout(sizes, activations):
    """Each layer's nn.Sequential index: an activation module takes the index after its
    nn.Linear, a linear layer has none."""
    indices, k = [], 0
    for activation in activations:
        indices.append(k)
        k += 1 if activation == "linear" else 2
    return indices


def read_network(path):
    """The layers (weight, bias, activation) of a safetensors file tapegrad wrote, checked
    against the layout its metadata describes. Numbers come back as float64."""
    with safe_open(str(path), framework="numpy") as f:
        metadata = f.metadata()
        names = set(f.keys())
    assert metadata["tapegrad.version"] == "1", metadata
    sizes = [int(s) for s in metadata["tapegrad.sizes"].split(",")]
    activations = metadata["tapegrad.activations"].split(",")
    tensors = load_file(str(path))
    layers, expected, dtypes = [], set(), set()
    for i, k in enumerate(sequential_layout(sizes, activations)):
        weight, bias = tensors[f"{k}.weight"], tensors[f"{k}.bias"]
        assert weight.shape == (sizes[i + 1], sizes[i]), (k, weight.shape)
        assert bias.shape == (sizes[i + 1],), (k, bias.shape)
        layers.append((weight.astype(np.float64), bias.astype(np.float64), activations[i]))
        expected |= {f"{k}.weight", f"{k}.bias"}
        dtypes |= {str(weight.dtype), str(bias.dtype)}
    assert names == expected, f"tensors {sorted(names)}, expected {sorted(expected)}"
    return layers, dtypes


def describe(layers):
    """`2 -> 4 tanh -> 1 linear`."""
    widths = [f"{weight.shape[0]} {activation}" for weight, _, activation in layers]
    return " -> ".join([str(layers[0][0].shape[1])] + widths)


def forward(layers, x):
    """What the nn.Sequential computes: x @ W.T + b, then the activation, layer by layer."""
    for weight, bias, activation in layers:
        x = ACTIVATIONS[activation](x @ weight.T + bias)
    return x


def cargo_test(name, exchange_dir):
    """Runs one ignored test of tests/python_exchange.rs with the exchange directory set."""
    command = ["cargo", "test", "--quiet", "--test", "python_exchange", "--",
               "--ignored", "--exact", name, "--nocapture"]
    env = dict(os.environ, TAPEGRAD_EXCHANGE_DIR=str(exchange_dir))
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def rust_to_python(exchange_dir):
    data = load_file(str(exchange_dir / "circle-data.safetensors"))
    inputs, outputs = data["inputs"], data["outputs"]
    for dtype, name in [("F64", "circle.f64.safetensors"), ("F32", "circle.f32.safetensors")]:
        path = exchange_dir / name
        numpy_dtype, tolerance = DTYPES[dtype]
        layers, dtypes = read_network(path)
        assert dtypes == {numpy_dtype}, dtypes
        with safe_open(str(path), framework="numpy") as f:
            mine = {k: v for k, v in f.metadata().items() if not k.startswith("tapegrad.")}
        expected = {"inputs": "x,y", "note": 'écrit par tapegrad, "quoted" \\ back'}
        assert mine == expected, mine
        worst = float(np.max(np.abs(forward(layers, inputs) - outputs)))
        print(f"numpy ran {name} ({path.stat().st_size} bytes, {describe(layers)}) on "
              f"{len(inputs)} circle points: max |numpy - tapegrad| = {worst:.2e} "
              f"(tolerance {tolerance:.0e})")
        assert worst <= tolerance, f"{name}: {worst} > {tolerance}"


def python_to_rust(exchange_dir):
    sizes, activations = [2, 8, 4, 1], ["relu", "linear", "tanh"]
    rng = np.random.default_rng(19)
    tensors, layers = {}, []
    for i, k in enumerate(sequential_layout(sizes, activations)):
        weight = rng.uniform(-1.0, 1.0, size=(sizes[i + 1], sizes[i]))
        bias = rng.uniform(-0.5, 0.5, size=sizes[i + 1])
        tensors[f"{k}.weight"], tensors[f"{k}.bias"] = weight, bias
        layers.append((weight, bias, activations[i]))
    metadata = {
        "tapegrad.version": "1",
        "tapegrad.sizes": ",".join(map(str, sizes)),
        "tapegrad.activations": ",".join(activations),
        # Keys of the writer's own, which tapegrad gives back with the model.
        "format": "np",
        "inputs": "x,y",
        "written by": 'numpy, "quoted" ✓',
    }
    save_file(tensors, str(exchange_dir / "python.f64.safetensors"), metadata=metadata)
    as_f32 = {name: t.astype(np.float32) for name, t in tensors.items()}
    save_file(as_f32, str(exchange_dir / "python.f32.safetensors"), metadata=metadata)
    inputs = load_file(str(exchange_dir / "circle-data.safetensors"))["inputs"]
    outputs = forward(layers, inputs)
    data = {"inputs": inputs, "outputs": outputs}
    save_file(data, str(exchange_dir / "python-data.safetensors"))
    print(f"numpy wrote python.f64.safetensors and python.f32.safetensors "
          f"({describe(layers)}) and its outputs on {len(inputs)} points")


def main():
    if len(sys.argv) > 1:
        exchange_dir = Path(sys.argv[1]).resolve()
        exchange_dir.mkdir(parents=True, exist_ok=True)
        run(exchange_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="tapegrad-exchange-") as tmp:
            run(Path(tmp))


def run(exchange_dir):
    cargo_test("rust_writes_the_circle_network", exchange_dir)
    rust_to_python(exchange_dir)
    python_to_rust(exchange_dir)
    cargo_test("rust_reads_what_python_wrote", exchange_dir)
    print("safetensors hand-over checked both ways")


if __name__ == "__main__":
    main()
