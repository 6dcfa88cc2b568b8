#!/usr/bin/python3
"""Independent reader for the sample set: what pydicom (2.x, with numpy) makes of every instance.

Usage: pydicom_samples.py ROOT
Prints JSON: per file (relative to ROOT) the SHA-256 of the stored pixel values as little-endian samples,
the mean after the modality LUT, and a few header values; and the mean HU inside half the lesion's radii
in ct-head-lesion and in the same place in ct-head-normal, computed from each slice's Image Position
(Patient) and Pixel Spacing and the lesion described in ct-head-lesion/study.json.
"""
import hashlib
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut

root = sys.argv[1]
files = {}
for folder in sorted(os.listdir(root)):
    directory = os.path.join(root, folder)
    if not os.path.isdir(directory):
        continue
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".dcm"):
            continue
        ds = pydicom.dcmread(os.path.join(directory, name))
        pixels = ds.pixel_array
        files[folder + "/" + name] = {
            "sha256": hashlib.sha256(pixels.astype(pixels.dtype.newbyteorder("<")).tobytes()).hexdigest(),
            "dtype": str(pixels.dtype),
            "shape": list(pixels.shape),
            "modalityMean": float(np.mean(apply_modality_lut(pixels, ds))),
            "patientName": str(ds.PatientName),
            "sopInstanceUid": str(ds.SOPInstanceUID),
            "transferSyntaxUid": str(ds.file_meta.TransferSyntaxUID),
        }


def region_mean(folder, lesion):
    cx, cy, cz = lesion["centreMm"]
    rx, ry, rz = lesion["radiiMm"]
    values = []
    directory = os.path.join(root, folder)
    for name in sorted(n for n in os.listdir(directory) if n.endswith(".dcm")):
        ds = pydicom.dcmread(os.path.join(directory, name))
        assert [float(v) for v in ds.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
        x0, y0, z = (float(v) for v in ds.ImagePositionPatient)
        row_spacing, column_spacing = (float(v) for v in ds.PixelSpacing)
        hu = apply_modality_lut(ds.pixel_array, ds)
        xs = x0 + np.arange(ds.Columns) * column_spacing
        ys = y0 + np.arange(ds.Rows) * row_spacing
        q = ((xs[np.newaxis, :] - cx) / rx) ** 2 + ((ys[:, np.newaxis] - cy) / ry) ** 2 + ((z - cz) / rz) ** 2
        values.append(hu[q <= 0.25])
    values = np.concatenate(values)
    return float(values.mean()), int(values.size)


with open(os.path.join(root, "ct-head-lesion", "study.json")) as f:
    lesion = json.load(f)["lesion"]
lesion_mean, voxels = region_mean("ct-head-lesion", lesion)
normal_mean, _ = region_mean("ct-head-normal", lesion)
json.dump({"files": files, "lesionRegion": {"lesionMean": lesion_mean, "normalMean": normal_mean, "voxels": voxels}}, sys.stdout)
