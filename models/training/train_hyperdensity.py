"""Trains, selects, evaluates and exports the intracranial-hyperdensity reference model.

    /usr/bin/python3 models/training/train_hyperdensity.py [--epochs 14]

Steps: build or load the synthetic sets (synthetic_sets.py), fix the normalisation constants from the training
planes, train a small CNN on single slices (64 x 64 for version 1, 128 x 128 for version 2: TELERAD_MODEL_VERSION), keep the epoch with the lowest validation slice loss, choose the
slice threshold and the number of consecutive slices on the validation studies only, measure the held-out test
studies once, export ONNX (sigmoid inside the graph), check the export against torch with an independent numpy
evaluator, and write models/intracranial-hyperdensity/VERSION/{model.onnx, manifest.json, reference-io.json} and
models/training/evaluation-vVERSION.json (the numbers MODEL_CARD.md reports).
"""

import argparse
import base64
import hashlib
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn

import onnx_numpy_check
from phantom import Acquisition
from preprocessing import MODEL_DIR, OUT_COLUMNS, OUT_ROWS, VERSION, normalise, windowed_plane
from synthetic_sets import TEST_SEEDS, TRAIN_SEEDS, VALIDATION_SEEDS, study_set, train_set

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_ID, MODEL_VERSION = "intracranial-hyperdensity", VERSION
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
OPSET = 13
THRESHOLDS = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]
CONSECUTIVE = (1, 2, 3)
REFERENCE_SEED = 9000  # outside every split


class HyperdensityNet(nn.Module):
    """Four 3x3 conv blocks (16-32-64-64 channels, batch norm, ReLU, 2x2 max pooling after the first three), a global
    max pool (a small bright spot anywhere in the slice is enough) and one linear unit. Returns logits."""

    def __init__(self):
        super().__init__()
        layers, channels = [], [1, 16, 32, 64, 64]
        for i in range(4):
            layers += [nn.Conv2d(channels[i], channels[i + 1], 3, padding=1, bias=False),
                       nn.BatchNorm2d(channels[i + 1]), nn.ReLU(inplace=True)]
            if i < 3:
                layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        return self.head(torch.flatten(self.pool(self.features(x)), 1))


class WithSigmoid(nn.Module):
    """What is exported: slices [N,1,S,S] -> probability [N,1]."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, slices):
        return torch.sigmoid(self.net(slices))


def augment(x, rng):
    """Left-right and anterior-posterior flips and shifts of up to 4 pixels (the border is air)."""
    x = x.copy()
    flip_lr = rng.random(len(x)) < 0.5
    x[flip_lr] = x[flip_lr][:, :, ::-1]
    flip_ap = rng.random(len(x)) < 0.5
    x[flip_ap] = x[flip_ap][:, ::-1, :]
    for i in range(len(x)):
        dy, dx = rng.integers(-4, 5, size=2)
        x[i] = np.roll(x[i], (dy, dx), axis=(0, 1))
    return x


def predict(net, planes, mean, std, batch=512):
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(planes), batch):
            x = torch.from_numpy(normalise(planes[i:i + batch], mean, std).astype(np.float32)[:, None])
            out.append(torch.sigmoid(net(x))[:, 0].numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def longest_run(p, threshold):
    run = longest = 0
    for v in p:
        run = run + 1 if v >= threshold else 0
        longest = max(longest, run)
    return longest


def wilson(k, n, z=1.959963984540054):
    """95% Wilson score interval for k successes in n."""
    if n == 0:
        return [float("nan"), float("nan")]
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [max(0.0, centre - half), min(1.0, centre + half)]


def rate(k, n):
    return {"value": k / n if n else float("nan"), "k": int(k), "n": int(n), "wilson95": wilson(k, n)}


def metrics(studies, probabilities, threshold, n):
    flagged = np.array([longest_run(p, threshold) >= n for p in probabilities])
    positive = np.array([s["positive"] for s in studies])
    y = np.concatenate([s["y"] for s in studies])
    p = np.concatenate(probabilities)
    known = y >= 0
    slice_hit = p[known] >= threshold
    return {
        "study": {"sensitivity": rate((flagged & positive).sum(), positive.sum()),
                  "specificity": rate((~flagged & ~positive).sum(), (~positive).sum())},
        "slice": {"sensitivity": rate((slice_hit & (y[known] == 1)).sum(), (y[known] == 1).sum()),
                  "specificity": rate((~slice_hit & (y[known] == 0)).sum(), (y[known] == 0).sum()),
                  "ambiguousSlicesExcluded": int((~known).sum())},
    }


def choose_operating_point(studies, probabilities):
    """Highest study-level Youden index (sensitivity + specificity - 1) on the validation studies; ties go to the
    larger n (less sensitive to one noisy slice), then to the threshold nearest 0.5."""
    best = None
    for n in CONSECUTIVE:
        for t in THRESHOLDS:
            m = metrics(studies, probabilities, t, n)["study"]
            youden = m["sensitivity"]["value"] + m["specificity"]["value"] - 1
            key = (round(youden, 6), n, -abs(t - 0.5))
            if best is None or key > best[0]:
                best = (key, t, n)
    return best[1], best[2]


def train(epochs, mean, std, log):
    x, y, _ = train_set()
    keep = y >= 0
    x, y = x[keep], y[keep].astype(np.float32)
    validation = study_set("validation")
    vx = np.concatenate([s["x"] for s in validation])
    vy = np.concatenate([s["y"] for s in validation])
    vx, vy = vx[vy >= 0], vy[vy >= 0].astype(np.float32)
    torch.manual_seed(20240)
    rng = np.random.default_rng(20240)
    net = HyperdensityNet()
    optimiser = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(x) / 64)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=epochs * steps_per_epoch)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([(y == 0).sum() / max(1, (y == 1).sum())]))
    best = (float("inf"), None, -1)
    for epoch in range(epochs):
        t = time.time()
        net.train()
        order = rng.permutation(len(x))
        total = 0.0
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            xb = torch.from_numpy(normalise(augment(x[idx], rng), mean, std).astype(np.float32)[:, None])
            yb = torch.from_numpy(y[idx])[:, None]
            optimiser.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(idx)
        p = np.clip(predict(net, vx, mean, std), 1e-7, 1 - 1e-7)
        vloss = float(-np.mean(vy * np.log(p) + (1 - vy) * np.log(1 - p)))
        vacc = float(np.mean((p >= 0.5) == (vy == 1)))
        log(f"epoch {epoch + 1:2d}  train loss {total / len(x):.4f}  validation slice loss {vloss:.4f}  accuracy {vacc:.4f}  {time.time() - t:.0f} s")
        if vloss < best[0]:
            best = (vloss, {k: v.clone() for k, v in net.state_dict().items()}, epoch + 1)
    net.load_state_dict(best[1])
    net.eval()
    return net, best[2], len(x), int((y == 1).sum())


def export(net, path):
    model = WithSigmoid(net).eval()
    dummy = torch.zeros(2, 1, OUT_ROWS, OUT_COLUMNS)
    torch.onnx.export(model, dummy, path, input_names=["slices"], output_names=["probability"],
                      dynamic_axes={"slices": {0: "N"}, "probability": {0: "N"}}, opset_version=OPSET,
                      do_constant_folding=True)
    return model


def reference_slices(mean, std):
    """Three fixed preprocessed slices from a phantom outside every split: through the lesion, the same level without
    it, and the skull vertex."""
    a = Acquisition(REFERENCE_SEED, 0, with_lesion=True)
    centre = int(np.argmin(np.abs(a.z - a.lesion.shape.c[2])))
    planes = [windowed_plane(a.render_hu(centre, lesion=True)), windowed_plane(a.render_hu(centre, lesion=False)),
              windowed_plane(a.render_hu(a.slices - 1, lesion=False))]
    descriptions = [f"phantom seed {REFERENCE_SEED}, slice {centre + 1} of {a.slices} through the lesion",
                    f"phantom seed {REFERENCE_SEED}, slice {centre + 1} of {a.slices} without the lesion",
                    f"phantom seed {REFERENCE_SEED}, slice {a.slices} of {a.slices} (top of the coverage) without the lesion"]
    return normalise(np.stack(planes), mean, std).astype(np.float32)[:, None], descriptions


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def manifest(digest, mean, std, threshold, n):
    return {
        "format": "telerad-model-manifest",
        "formatVersion": 1,
        "id": MODEL_ID,
        "version": MODEL_VERSION,
        "file": "model.onnx",
        "sha256": digest,
        "intendedUse": ("Demonstration of AI triage in Telerad: flags axial non-contrast head CT series with an "
                        "intracranial hyperdense region (like an acute haemorrhage) so the study can be moved up the "
                        "worklist. Trained and tested only on synthetic phantoms."),
        "disclaimer": ("SYNTHETIC DEMONSTRATION MODEL - NOT FOR CLINICAL USE. Trained on nested-ellipsoid phantoms, never "
                       "on patient images; its output says nothing about real patients and must not influence diagnosis "
                       "or treatment."),
        "appliesTo": {"modalities": ["CT"], "bodyParts": ["HEAD", "BRAIN"], "sopClasses": [CT_IMAGE_STORAGE], "minSlices": 8},
        "preprocessing": {
            "modalityLut": True,
            "window": {"center": 40, "width": 80},
            "resample": {"rows": OUT_ROWS, "columns": OUT_COLUMNS, "method": "area"},
            "normalise": {"mean": mean, "std": std},
            "channels": 1,
            "maxSlices": 0,
        },
        "input": {"name": "slices", "shape": [-1, 1, OUT_ROWS, OUT_COLUMNS]},
        "output": {"name": "probability", "shape": [-1, 1], "kind": "per-slice-probability"},
        "findings": [{
            "id": "intracranial-hyperdensity",
            "label": "Intracranial hyperdensity (possible acute haemorrhage)",
            "outputIndex": 0,
            "threshold": threshold,
            "critical": True,
            "aggregation": {"method": "consecutive", "n": n},
        }],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=14)
    args = parser.parse_args()
    torch.set_num_threads(2)
    lines = []

    def log(s):
        print(s, flush=True)
        lines.append(s)

    started = time.time()
    x, _, _ = train_set()
    mean, std = round(float(x.mean()), 4), round(float(x.std()), 4)
    log(f"sets ready in {time.time() - started:.0f} s; normalisation mean {mean} std {std}")
    t = time.time()
    net, best_epoch, train_slices, train_positive = train(args.epochs, mean, std, log)
    train_seconds = time.time() - t
    log(f"training {train_seconds:.0f} s, kept epoch {best_epoch}")

    validation, test = study_set("validation"), study_set("test")
    vp = [predict(net, s["x"], mean, std) for s in validation]
    threshold, n = choose_operating_point(validation, vp)
    val_metrics = metrics(validation, vp, threshold, n)
    log(f"validation: threshold {threshold}, n {n}: {json.dumps(val_metrics['study'])}")
    tp = [predict(net, s["x"], mean, std) for s in test]
    test_metrics = metrics(test, tp, threshold, n)
    log(f"test: {json.dumps(test_metrics)}")
    missed = [{"seed": s["seed"], "lesionRadiiMm": [round(float(r), 1) for r in s["info"][5:8]],
               "matrix": int(s["info"][0]), "sliceSpacingMm": round(float(s["info"][2]), 2), "noiseHu": round(float(s["info"][3]), 1),
               "maxProbability": round(float(p.max()), 3)}
              for s, p in zip(test, tp) if s["positive"] and longest_run(p, threshold) < n]
    false_alarms = [{"seed": s["seed"], "slice": int(p.argmax()) + 1, "slices": len(p), "matrix": int(s["info"][0]),
                     "maxProbability": round(float(p.max()), 3)}
                    for s, p in zip(test, tp) if not s["positive"] and longest_run(p, threshold) >= n]

    os.makedirs(MODEL_DIR, exist_ok=True)
    onnx_path = os.path.join(MODEL_DIR, "model.onnx")
    exported = export(net, onnx_path)
    inputs, descriptions = reference_slices(mean, std)
    with torch.no_grad():
        torch_out = exported(torch.from_numpy(inputs)).numpy()
    numpy_out = onnx_numpy_check.run(onnx_path, {"slices": inputs})["probability"]
    difference = float(np.abs(numpy_out - torch_out).max())
    log(f"reference outputs {numpy_out[:, 0].round(6).tolist()}; numpy ONNX evaluator vs torch max difference {difference:.2e}")
    if difference > 1e-5:
        raise SystemExit("the exported graph does not reproduce torch")
    # The whole validation set through the exported graph too, so a wrong export cannot hide behind three slices.
    vx = np.concatenate([s["x"] for s in validation])[:256]
    full = onnx_numpy_check.run(onnx_path, {"slices": normalise(vx, mean, std).astype(np.float32)[:, None]})["probability"][:, 0]
    log(f"256 validation slices: numpy ONNX vs torch max difference {np.abs(full - predict(net, vx, mean, std)).max():.2e}")

    digest = sha256(onnx_path)
    write_json(os.path.join(MODEL_DIR, "manifest.json"), manifest(digest, mean, std, threshold, n))
    write_json(os.path.join(MODEL_DIR, "reference-io.json"), {
        "model": f"{MODEL_ID}/{MODEL_VERSION}",
        "sha256": digest,
        "description": ("Fixed preprocessed inputs (already windowed, area-resampled and normalised with the manifest's "
                        "mean and std) and the probabilities the shipped model.onnx gives for them, computed with an "
                        "independent numpy evaluation of the ONNX graph (float64) and checked against torch."),
        "tolerance": 1e-4,
        "input": {"name": "slices", "shape": list(inputs.shape), "dtype": "float32",
                  "encoding": "base64 of little-endian float32, row-major",
                  "data": base64.b64encode(inputs.astype("<f4").tobytes()).decode("ascii")},
        "output": {"name": "probability", "shape": list(numpy_out.shape),
                   "values": [round(float(v), 7) for v in numpy_out[:, 0]]},
        "slices": descriptions,
    })
    parameters = sum(p.numel() for p in net.parameters())
    write_json(os.path.join(HERE, f"evaluation-v{VERSION}.json"), {
        "modelSha256": digest, "modelBytes": os.path.getsize(onnx_path), "parameters": parameters,
        "opset": OPSET, "torch": torch.__version__, "normalise": {"mean": mean, "std": std},
        "epochs": args.epochs, "keptEpoch": best_epoch, "trainSlices": train_slices, "trainPositiveSlices": train_positive,
        "trainSeeds": [TRAIN_SEEDS.start, TRAIN_SEEDS.stop - 1],
        "validationSeeds": [VALIDATION_SEEDS.start, VALIDATION_SEEDS.stop - 1],
        "testSeeds": [TEST_SEEDS.start, TEST_SEEDS.stop - 1],
        "trainingSeconds": round(train_seconds), "totalSeconds": round(time.time() - started),
        "threshold": threshold, "consecutive": n,
        "validation": val_metrics, "test": test_metrics,
        "testMissedLesionStudies": missed, "testFalseAlarmStudies": false_alarms,
        "log": lines,
    })
    log(f"wrote {MODEL_DIR} ({os.path.getsize(onnx_path)} bytes, {parameters} parameters, sha256 {digest}) in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
