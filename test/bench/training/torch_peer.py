"""PyTorch peer of the training benchmark (run by training.bench.ts with Debian's /usr/bin/python3).

Reads one JSON job on stdin: the models as our flat layer lists (training.bench.ts writes them from the zoo), batch,
steps, threads, SGD settings. Builds each model in torch from the same layer list, checks its trainable parameter
count equals ours, trains on the same synthetic uint8 batch (the same generator as cases.ts) and prints one JSON
line per model: milliseconds per measured step, until the loss is read back on the CPU (loss.item())."""
import json
import os
import sys
import time

job = json.load(sys.stdin)
threads = int(job["threads"])
os.environ.setdefault("OMP_NUM_THREADS", str(threads))
import warnings  # noqa: E402
import torch  # noqa: E402  (after OMP_NUM_THREADS, which torch reads on import)
from torch import nn  # noqa: E402

warnings.filterwarnings("ignore", message="Lazy modules")
torch.set_num_threads(threads)
torch.manual_seed(0)


class Add(nn.Module):
    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


def pair_padding(pad, layer_id):
    # Ours is ONNX order [top, left, bottom, right]; torch's layers take one symmetric (h, w) pair.
    if len(pad) == 2:
        return tuple(pad)
    top, left, bottom, right = pad
    if top != bottom or left != right:
        raise SystemExit(f"layer {layer_id}: asymmetric padding {pad} is not supported by this peer")
    return (top, left)


def module_for(layer):
    kind, a = layer["kind"], layer["attrs"]
    if kind == "Conv2d":
        return nn.LazyConv2d(a["outChannels"], tuple(a["kernel"]), stride=tuple(a["stride"]), padding=pair_padding(a["padding"], layer["id"]),
                             dilation=tuple(a["dilation"]), groups=a["groups"], bias=a["bias"])
    if kind == "Dense":
        return nn.LazyLinear(a["outFeatures"], bias=a["bias"])
    if kind == "BatchNorm":
        return nn.LazyBatchNorm2d(eps=a["eps"], momentum=a["momentum"], affine=a["affine"])
    if kind == "ReLU":
        return nn.ReLU()
    if kind == "Sigmoid":
        return nn.Sigmoid()
    if kind == "MaxPool2d":
        return nn.MaxPool2d(tuple(a["kernel"]), stride=tuple(a["stride"]), padding=pair_padding(a["padding"], layer["id"]),
                            dilation=tuple(a["dilation"]), ceil_mode=a["ceilMode"])
    if kind == "AvgPool2d":
        return nn.AvgPool2d(tuple(a["kernel"]), stride=tuple(a["stride"]), padding=pair_padding(a.get("padding", [0, 0]), layer["id"]),
                            ceil_mode=a.get("ceilMode", False), count_include_pad=a.get("countIncludePad", True))
    if kind == "AdaptiveAvgPool2d":
        return nn.AdaptiveAvgPool2d(tuple(a["outputSize"]))
    if kind == "Flatten":
        return nn.Flatten()
    if kind == "Dropout":
        return nn.Dropout(a["p"])
    if kind == "Add":
        return Add()
    raise SystemExit(f"layer {layer['id']}: kind {kind} is not supported by this peer")


class LayerGraphNet(nn.Module):
    """Runs the flat layer list in its (topological) order, each layer reading its inputs by id."""

    def __init__(self, layers):
        super().__init__()
        self.plan = []
        self.mods = nn.ModuleDict()
        for layer in layers:
            if layer["kind"] == "Input":
                self.plan.append((layer["id"], None, []))
                continue
            key = layer["id"].replace(".", "_")
            self.mods[key] = module_for(layer)
            self.plan.append((layer["id"], key, layer["inputs"]))

    def forward(self, x):
        values = {}
        out = x
        for layer_id, key, inputs in self.plan:
            out = x if key is None else self.mods[key](*[values[i] for i in inputs])
            values[layer_id] = out
        return out


def synthetic_batch(batch, shape, classes):
    # The same LCG as syntheticBatch in cases.ts.
    state = 12345
    count = batch * shape[0] * shape[1] * shape[2]
    pixels = bytearray(count)
    for i in range(count):
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        pixels[i] = (state >> 16) & 255
    labels = []
    for _ in range(batch):
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        labels.append((state >> 16) % classes)
    return torch.frombuffer(pixels, dtype=torch.uint8).reshape(batch, *shape), torch.tensor(labels, dtype=torch.int64)


mean = torch.tensor(job["normalisation"]["mean"]).reshape(1, -1, 1, 1)
std = torch.tensor(job["normalisation"]["std"]).reshape(1, -1, 1, 1)
for case in job["cases"]:
    shape, batch = case["input"], case["batch"]
    net = LayerGraphNet(case["layers"])
    pixels, labels = synthetic_batch(batch, shape, case["classes"])
    with torch.no_grad():
        net(torch.zeros(2, *shape))  # materialises the lazy layers
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    if params != case["trainableParams"]:
        raise SystemExit(f"{case['id']}: the torch model has {params} trainable parameters, ours {case['trainableParams']}")
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=job["learningRate"], momentum=job["momentum"])
    loss_fn = nn.CrossEntropyLoss()
    times, losses = [], []
    for step in range(job["warmup"] + job["steps"]):
        started = time.perf_counter()
        x = (pixels.float() / 255 - mean) / std  # normalisation inside the step, as ours does in its graph
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), labels)
        loss.backward()
        opt.step()
        value = loss.item()
        elapsed = (time.perf_counter() - started) * 1000
        losses.append(value)
        if step >= job["warmup"]:
            times.append(elapsed)
    print(json.dumps({"id": case["id"], "stepMs": times, "losses": losses, "params": params}), flush=True)
