"""The model's input contract in numpy, the same formulas as the C# engine (functions/Telerad.Triage,
SlicePreprocessor) and models/intracranial-hyperdensity/1/manifest.json:

  1. modality LUT   HU = stored * RescaleSlope + RescaleIntercept   (done by the caller / the phantom)
  2. window         centre 40, width 80: (clip(HU, 0, 80) - 0) / 80, so [0, 1]
  3. area resample  to 64 x 64: out[r][c] = mean of in[i][j] over all i, j with
                    floor(i * 64 / Rows) == r and floor(j * 64 / Columns) == c   (integer arithmetic)
  4. normalise      (x - mean) / std with the fixed constants of the manifest
  5. channels       1 (the slice alone)
"""

import json
import os

import numpy as np

WINDOW_CENTER = 40.0
WINDOW_WIDTH = 80.0
OUT_ROWS = 64
OUT_COLUMNS = 64

MODEL_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "intracranial-hyperdensity", "1"))


def window(hu, center=WINDOW_CENTER, width=WINDOW_WIDTH):
    low = center - width / 2.0
    return (np.clip(hu, low, low + width) - low) * (1.0 / width)


def area_resample(image, rows=OUT_ROWS, columns=OUT_COLUMNS):
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
    """Steps 2-3 (before normalisation), float64 64 x 64."""
    return area_resample(window(hu))


def normalise(x, mean, std):
    return (x - mean) / std


def manifest_normalisation(model_dir=MODEL_DIR):
    with open(os.path.join(model_dir, "manifest.json"), encoding="utf-8") as f:
        n = json.load(f)["preprocessing"]["normalise"]
    return float(n["mean"]), float(n["std"])
