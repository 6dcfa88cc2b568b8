"""Checks the shipped model on the repository's own sample studies, outside torch.

    /usr/bin/python3 models/training/check_samples.py [--seeds 1 2 3] [--sizes small full]

For each seed and size it runs `telerad samples generate` (functions/Telerad.Cli, the C# generator), reads the two
head CT studies with pydicom, orders the slices along the slice normal, applies the manifest's preprocessing in
numpy (pydicom's modality LUT, window, area resampling, normalisation), runs model.onnx with the independent numpy
evaluator (onnx_numpy_check.py), aggregates as the manifest says ("consecutive": n slices in a row at or above the
threshold) and checks that ct-head-lesion is flagged, with its highest slice inside the lesion's instance range from
study.json, and that ct-head-normal is not. Exit code 1 if any check fails.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut

import onnx_numpy_check
from preprocessing import MODEL_DIR, normalise, windowed_plane

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI_PROJECT = os.path.join(REPO_ROOT, "functions", "Telerad.Cli")
CLI_DLL = os.path.join(CLI_PROJECT, "bin", "Release", "net10.0", "telerad.dll")


def generate(directory, seed, size):
    command = ["samples", "generate", directory, "--seed", str(seed), "--size", size]
    if os.path.exists(CLI_DLL):
        command = ["dotnet", CLI_DLL, *command]
    else:
        command = ["dotnet", "run", "--project", CLI_PROJECT, "-c", "Release", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def slice_position(ds):
    iop = np.array([float(v) for v in ds.ImageOrientationPatient])
    return float(np.dot(np.array([float(v) for v in ds.ImagePositionPatient]), np.cross(iop[:3], iop[3:])))


def load_study(folder, mean, std):
    """(planes [N,1,64,64] in slice order, instance numbers, study.json)."""
    with open(os.path.join(folder, "study.json"), encoding="utf-8") as f:
        meta = json.load(f)
    slices = []
    for name in os.listdir(folder):
        if name == "study.json":
            continue
        ds = pydicom.dcmread(os.path.join(folder, name))
        hu = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
        slices.append((slice_position(ds), int(ds.InstanceNumber), normalise(windowed_plane(hu), mean, std)))
    slices.sort(key=lambda s: (s[0], s[1]))
    return (np.stack([s[2] for s in slices]).astype(np.float32)[:, None], np.array([s[1] for s in slices]), meta)


def longest_run(p, threshold):
    run = longest = 0
    for v in p:
        run = run + 1 if v >= threshold else 0
        longest = max(longest, run)
    return longest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--sizes", nargs="+", default=["small", "full"])
    args = parser.parse_args()
    with open(os.path.join(MODEL_DIR, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    mean, std = manifest["preprocessing"]["normalise"]["mean"], manifest["preprocessing"]["normalise"]["std"]
    finding = manifest["findings"][0]
    threshold, n = finding["threshold"], finding["aggregation"]["n"]
    model = os.path.join(MODEL_DIR, manifest["file"])
    failures = 0
    work = tempfile.mkdtemp(prefix="telerad-model-check-")
    try:
        for size in args.sizes:
            for seed in args.seeds:
                directory = os.path.join(work, f"{size}-{seed}")
                generate(directory, seed, size)
                for study in ("ct-head-lesion", "ct-head-normal"):
                    x, instances, meta = load_study(os.path.join(directory, study), mean, std)
                    p = onnx_numpy_check.run(model, {"slices": x})["probability"][:, 0]
                    run = longest_run(p, threshold)
                    flagged = run >= n
                    top = int(instances[int(np.argmax(p))])
                    ok = flagged == (study == "ct-head-lesion")
                    where = ""
                    if study == "ct-head-lesion":
                        first, last = meta["lesion"]["firstInstanceNumber"], meta["lesion"]["lastInstanceNumber"]
                        ok = ok and first <= top <= last
                        where = f" (lesion instances {first}-{last})"
                    failures += not ok
                    print(f"{size:5s} seed {seed:3d} {study:15s} {meta['rows']}x{meta['columns']}x{len(p)}: "
                          f"max p {p.max():.3f} at instance {top}{where}, longest run >= {threshold}: {run}, "
                          f"flagged {flagged} -> {'OK' if ok else 'FAIL'}", flush=True)
                shutil.rmtree(directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("all checks passed" if failures == 0 else f"{failures} check(s) failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
