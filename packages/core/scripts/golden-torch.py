#!/usr/bin/python3
"""Golden values for @tessera/core from PyTorch, an implementation independent of Tessera.

Run with Debian's interpreter (python3-torch is installed there, not in pyenv's python3):
    /usr/bin/python3 packages/core/scripts/golden-torch.py
Writes packages/core/src/testing/golden/torch-golden.json. Inputs are float32-representable;
torch computes in float64, so the values check conventions (cross-correlation, dilation,
'same' padding, pooling with padding, im2col row order, cross-entropy), not rounding.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def rand(*shape, scale=1.0):
    # float32 values (times `scale`): exactly representable in float64
    return (torch.rand(tuple(shape), dtype=torch.float32) * 2 - 1).double() * scale


def enc(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().reshape(-1).tolist()]}


cases = []


def add(name, op, options, inputs, fn, labels=None):
    """inputs: dict of float tensors (differentiated); fn(**inputs) -> output tensor."""
    xs = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**xs)
    cot = rand(*y.shape)
    grads = torch.autograd.grad(y, list(xs.values()), cot, allow_unused=True)
    case = {
        "name": name,
        "op": op,
        "options": options,
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "output": enc(y),
        "cotangent": enc(cot),
        "grads": {k: enc(g) for k, g in zip(xs.keys(), grads)},
    }
    if labels is not None:
        case["labels"] = {"shape": list(labels.shape), "values": labels.tolist()}
    cases.append(case)


x = rand(2, 2, 6, 5)
w = rand(3, 2, 3, 3)
add("conv2d valid", "conv2d", {}, {"x": x, "w": w}, lambda x, w: F.conv2d(x, w))
add("conv2d stride 2 padding 1", "conv2d", {"stride": 2, "padding": 1}, {"x": x, "w": w},
    lambda x, w: F.conv2d(x, w, stride=2, padding=1))
add("conv2d dilation 2 padding [1, 2] stride [1, 2]", "conv2d", {"dilation": 2, "padding": [1, 2], "stride": [1, 2]},
    {"x": x, "w": w}, lambda x, w: F.conv2d(x, w, dilation=2, padding=(1, 2), stride=(1, 2)))
w2 = rand(2, 2, 2, 2)
add("conv2d same with an even kernel", "conv2d", {"padding": "same"}, {"x": x, "w": w2},
    lambda x, w: F.conv2d(x, w, padding="same"))
w4 = rand(2, 2, 4, 3)
add("conv2d same with dilation", "conv2d", {"padding": "same", "dilation": [1, 2]}, {"x": x, "w": w4},
    lambda x, w: F.conv2d(x, w, padding="same", dilation=(1, 2)))

p = rand(2, 2, 7, 6)
add("maxPool2d k3 s2 p1", "maxPool2d", {"kernelSize": 3, "stride": 2, "padding": 1}, {"x": p},
    lambda x: F.max_pool2d(x, 3, stride=2, padding=1))
add("maxPool2d k2", "maxPool2d", {"kernelSize": 2}, {"x": p}, lambda x: F.max_pool2d(x, 2))
add("avgPool2d k3 s2 p1 (padding counts)", "avgPool2d", {"kernelSize": 3, "stride": 2, "padding": 1}, {"x": p},
    lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True))
add("avgPool2d k [2, 3] s [1, 2]", "avgPool2d", {"kernelSize": [2, 3], "stride": [1, 2]}, {"x": p},
    lambda x: F.avg_pool2d(x, (2, 3), stride=(1, 2)))

add("im2col (torch unfold) k [2, 3] stride 2 padding 1 dilation [2, 1]", "im2col",
    {"kernelSize": [2, 3], "stride": 2, "padding": 1, "dilation": [2, 1]}, {"x": x},
    lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=2))
cols = rand(2, 2 * 3 * 3, 3 * 3)
add("col2im (torch fold) k 3 stride 2 padding 1", "col2im",
    {"kernelSize": 3, "stride": 2, "padding": 1, "imageShape": [2, 2, 6, 5]}, {"cols": cols},
    lambda cols: F.fold(cols, (6, 5), 3, padding=1, stride=2))

s = rand(2, 3, 4, scale=3)
add("softmax axis 1", "softmax", {"axis": 1}, {"x": s}, lambda x: F.softmax(x, 1))
add("logSoftmax axis -1", "logSoftmax", {"axis": -1}, {"x": s}, lambda x: F.log_softmax(x, -1))

logits = rand(4, 5, scale=1e4)
labels = torch.tensor([0, 3, 4, 1])
for red in ["mean", "sum", "none"]:
    add(f"softmaxCrossEntropy logits 1e4 reduction {red}", "softmaxCrossEntropy", {"reduction": red},
        {"logits": logits}, lambda logits, red=red: F.cross_entropy(logits, labels, reduction=red), labels)
small = rand(3, 4, scale=2)
labels3 = torch.tensor([2, 0, 3])
add("softmaxCrossEntropy mean", "softmaxCrossEntropy", {"reduction": "mean"}, {"logits": small},
    lambda logits: F.cross_entropy(logits, labels3), labels3)

out = {
    "generator": f"PyTorch {torch.__version__} (torch.nn.functional, float64) via packages/core/scripts/golden-torch.py",
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "src", "testing", "golden", "torch-golden.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
