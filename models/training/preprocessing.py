"""The model's input contract in numpy, the same formulas as the C# engine (functions/Telerad.Triage,
SlicePreprocessor) and models/intracranial-hyperdensity/VERSION/manifest.json:

  1. modality LUT   HU = stored * RescaleSlope + RescaleIntercept   (done by the caller / the phantom)
  2. window         centre 40, width 80: (clip(HU, 0, 80) - 0) / 80, so [0, 1]
  3. area resample  to S x S (S = 64 for version 1, 128 for version 2): out[r][c] = mean of in[i][j] over all
                    i, j with floor(i * S / Rows) == r and floor(j * S / Columns) == c   (integer arithmetic)
  4. normalise      (x - mean) / std with the fixed constants of the manifest
  5. channels       1 (the slice alone)

TELERAD_MODEL_VERSION (default 2) says which version the scripts build or check. Version 2 differs from version 1
only in its input size: 128 x 128 resolves lesions of a few millimetres that 64 x 64 (about 4 mm per pixel) blurs away.
"""

import json
import os

import numpy as np

WINDOW_CENTER = 40.0
WINDOW_WIDTH = 80.0
INPUT_SIZE = {"1": 64, "2": 128}
VERSION = os.environ.get("TELERAD_MODEL_VERSION", "2")
if VERSION not in INPUT_SIZE:
    raise SystemExit(f"TELERAD_MODEL_VERSION {VERSION!r}: known versions are {', '.join(INPUT_SIZE)}")
OUT_ROWS = OUT_COLUMNS = INPUT_SIZE[VERSION]

MODEL_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "intracranial-hyperdensity", VERSION))


def window(hu, center=WINDOW_CENTER, width=WINDOW_WIDTH):
    low = center - width / 2.0
    return (np.clip(hu, low, low + width) - low) * (1.0 / width)


def area_resample(image, rows=None, columns=None):
    rows, columns = rows or OUT_ROWS, columns or OUT_COLUMNS
    in_rows, in_columns = image.shape
    if in_rows < rows or in_columns < columns:
        raise ValueError(f"area resampling only reduces: {in_rows}x{in_columns} is smaller than {rows}x{columns}")
    row_of = (np.arange(in_rows, dtype=np.int64) * rows) // in_rows
    column_of = (np.arange(in_columns, dtype=np.int64) * columns) // in_columns
    cell = (row_of[:, None] * columns + column_of[None, :]).ravel()
    sums = np.bincount(cell, weights=image.astype(np.float64).ravel(), minlength=rows * columns)
    counts = np.bincount(cell, minlength=rows * columns)
    return (sums / counts).reshape(rows, columns)


def windowed_plane(hu):
    """Steps 2-3 (before normalisation), float64 OUT_ROWS x OUT_COLUMNS."""
    return area_resample(window(hu))


def normalise(x, mean, std):
    return (x - mean) / std


def manifest_normalisation(model_dir=MODEL_DIR):
    with open(os.path.join(model_dir, "manifest.json"), encoding="utf-8") as f:
        n = json.load(f)["preprocessing"]["normalise"]
    return float(n["mean"]), float(n["std"])
