"""Builds (and caches) the windowed, area-resampled slices (64 x 64 or 128 x 128, see preprocessing.py) of the synthetic sets.

Seeds (one phantom per seed and acquisition, so the splits share no phantom):
  train       1000-1299, three acquisitions each: every slice that cuts the lesion plus random slices of the
              lesion series and of the same acquisition without the lesion (incl. extra vertex / skull-base slices)
  validation  3000-3049, one acquisition each, as two whole studies: with the lesion and without it
  test        5000-5099, likewise (held out: used once, for the model card)

Planes are stored before normalisation (steps 2-3 of the contract); normalisation is applied at use.
"""

import os
from multiprocessing import Pool

import numpy as np

from phantom import Acquisition
from preprocessing import VERSION, windowed_plane

TRAIN_SEEDS = range(1000, 1300)
VALIDATION_SEEDS = range(3000, 3050)
TEST_SEEDS = range(5000, 5100)
TRAIN_ACQUISITIONS = 3
WORK = os.environ.get("TELERAD_MODEL_WORK",
                      os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".work", "model", "v" + VERSION)))


def _train_seed(seed):
    xs, ys = [], []
    rng = np.random.default_rng([seed, 99])
    for index in range(TRAIN_ACQUISITIONS):
        a = Acquisition(seed, index, with_lesion=True)
        labels = a.labels()
        for i in np.flatnonzero(labels != 0):
            xs.append(windowed_plane(a.render_hu(i, lesion=True)))
            ys.append(labels[i])
        negatives = np.flatnonzero(labels == 0)
        for i in rng.choice(negatives, size=min(3, len(negatives)), replace=False):
            xs.append(windowed_plane(a.render_hu(i, lesion=True)))
            ys.append(0)
        edges = list(range(3)) + list(range(a.slices - 3, a.slices))
        picks = list(rng.choice(a.slices, size=5, replace=False)) + list(rng.choice(edges, size=2, replace=False))
        for i in picks:
            xs.append(windowed_plane(a.render_hu(int(i), lesion=False)))
            ys.append(0)
    return np.stack(xs).astype(np.float32), np.array(ys, dtype=np.int8)


def _study_seed(seed):
    """One acquisition as two studies: (planes, slice labels) with the lesion, then without."""
    a = Acquisition(seed, 0, with_lesion=True)
    lesion = np.stack([windowed_plane(a.render_hu(i, lesion=True)) for i in range(a.slices)]).astype(np.float32)
    normal = np.stack([windowed_plane(a.render_hu(i, lesion=False)) for i in range(a.slices)]).astype(np.float32)
    info = np.array([a.matrix, a.slices, a.spacing, a.noise, float(a.sample_like), *a.lesion.shape.r, a.lesion.peak])
    return lesion, a.labels(), normal, info


def train_set():
    path = os.path.join(WORK, "train.npz")
    if not os.path.exists(path):
        os.makedirs(WORK, exist_ok=True)
        with Pool(2) as pool:
            parts = pool.map(_train_seed, TRAIN_SEEDS, chunksize=4)
        groups = np.concatenate([np.full(len(p[1]), s, dtype=np.int32) for s, p in zip(TRAIN_SEEDS, parts)])
        np.savez(path, x=np.concatenate([p[0] for p in parts]), y=np.concatenate([p[1] for p in parts]), seed=groups)
    with np.load(path) as z:
        return z["x"], z["y"], z["seed"]


def study_set(name):
    """A list of studies: dicts with planes x (N, S, S), slice labels y (1 / 0 / -1 ambiguous), study label, seed."""
    seeds = {"validation": VALIDATION_SEEDS, "test": TEST_SEEDS}[name]
    path = os.path.join(WORK, f"{name}.npz")
    if not os.path.exists(path):
        os.makedirs(WORK, exist_ok=True)
        with Pool(2) as pool:
            parts = pool.map(_study_seed, seeds, chunksize=2)
        arrays = {}
        for s, (lesion, labels, normal, info) in zip(seeds, parts):
            arrays[f"lesion_{s}"], arrays[f"labels_{s}"], arrays[f"normal_{s}"], arrays[f"info_{s}"] = lesion, labels, normal, info
        np.savez(path, **arrays)
    studies = []
    with np.load(path) as z:
        for s in seeds:
            studies.append({"seed": s, "x": z[f"lesion_{s}"], "y": z[f"labels_{s}"], "positive": True, "info": z[f"info_{s}"]})
            studies.append({"seed": s, "x": z[f"normal_{s}"], "y": np.zeros(len(z[f"labels_{s}"]), dtype=np.int8),
                            "positive": False, "info": z[f"info_{s}"]})
    return studies


if __name__ == "__main__":
    import time
    t = time.time()
    x, y, _ = train_set()
    print("train", x.shape, (y == 1).sum(), (y == 0).sum(), (y == -1).sum(), f"{time.time() - t:.0f} s")
    for name in ("validation", "test"):
        t = time.time()
        st = study_set(name)
        print(name, len(st), sum(len(s["y"]) for s in st), f"{time.time() - t:.0f} s")
