"""Synthetic head CT phantoms for training, in numpy.

Follows the construction of the repository's own sample generator (functions/Telerad.Samples: HeadAnatomy,
HeadLesion, CtHeadStudy, AxialGeometry), rewritten here from its description, with much more variety so that a model
trained on these slices works on that generator's output and is not tied to one head, matrix or noise level:

- nested ellipsoids in patient coordinates (mm, LPS, z superior): skin, scalp, skull (outer table / diploe / inner
  table, 1000-1800 HU), subarachnoid CSF, cortical grey matter (~39 HU) over white matter (~31 HU), deep grey nuclei,
  lateral and third ventricles, an interhemispheric fissure;
- head size, aspect, in-plane position and rotation, layer thicknesses, tissue HU and noise vary per phantom;
- a hyperdense intraparenchymal lesion (60-85 HU from the centre to the edge) of a few mm to several cm, inside the
  parenchyma of either hemisphere, clear of the ventricles and the brain surface;
- square matrices from 64 to 512 (raised to the model input size, 128 for version 2) over 200-280 mm, slice spacing 1.5-6 mm, coverage from below the ventricles to the
  vertex (so slices above and below the lesion, and skull-cap slices, are seen);
- stored as the sample generator stores CT: round(HU + noise) + 1024, clamped to 0-4095, Rescale Intercept -1024.

A quarter of the acquisitions use exactly the sample generator's geometry and tissue values (240 mm field of view,
256 x 40 or 512 x 80 slices over z -54..66 mm, noise 4 HU).

Each slice is rendered at its centre z (no slice-thickness partial volume), as the sample generator does.
"""

import math

import numpy as np

from preprocessing import OUT_ROWS

AIR, SCALP, BONE, CSF, VENTRICLE, GREY, DEEP_GREY, WHITE = range(8)
RESCALE_INTERCEPT = -1024.0
MATRICES = (64, 80, 96, 128, 160, 192, 200, 256, 320, 384, 400, 512)
SAMPLE_MATRICES = ((256, 40), (512, 80))  # the sample generator's small and full CT


def rng_for(seed, stream):
    """An independent numpy generator per (seed, stream name), so streams never shift each other."""
    return np.random.default_rng([int(seed), *stream.encode("utf-8")])


class Ellipsoid:
    def __init__(self, cx, cy, cz, rx, ry, rz):
        self.c = (float(cx), float(cy), float(cz))
        self.r = (float(rx), float(ry), float(rz))

    def q(self, x, y, z):
        return ((x - self.c[0]) / self.r[0]) ** 2 + ((y - self.c[1]) / self.r[1]) ** 2 + ((z - self.c[2]) / self.r[2]) ** 2

    def contains(self, x, y, z):
        return self.q(x, y, z) <= 1

    def grow(self, mm):
        return Ellipsoid(*self.c, *(r + mm for r in self.r))


class Head:
    """One phantom's anatomy. `sample_like` draws from the sample generator's own ranges."""

    def __init__(self, rng, sample_like):
        if sample_like:
            size, aspect = rng.uniform(0.94, 1.05), rng.uniform(0.96, 1.04)
            self.offset, self.angle = (0.0, 0.0), 0.0
            scalp, skull, csf, cortex = rng.uniform(4, 6), rng.uniform(5.5, 7.5), 2.0, 3.5
            vsize, vheight = rng.uniform(0.85, 1.25), rng.uniform(10, 18)
            self.hu = {SCALP: 40.0, CSF: 8.0, VENTRICLE: 4.0, GREY: 39.0, DEEP_GREY: 37.0, WHITE: 31.0}
            self.bone_scale = 1.0
        else:
            size, aspect = rng.uniform(0.85, 1.12), rng.uniform(0.92, 1.08)
            self.offset = (rng.uniform(-12, 12), rng.uniform(-12, 12))
            self.angle = math.radians(rng.uniform(-12, 12))
            scalp, skull, csf, cortex = rng.uniform(3, 7), rng.uniform(4.5, 8.5), rng.uniform(1, 3.5), rng.uniform(2.5, 4.5)
            vsize, vheight = rng.uniform(0.7, 1.5), rng.uniform(8, 20)
            grey = rng.uniform(35, 42)
            white = grey - rng.uniform(5, 10)
            self.hu = {SCALP: rng.uniform(25, 55), CSF: rng.uniform(2, 14), VENTRICLE: rng.uniform(0, 12),
                       GREY: grey, DEEP_GREY: grey - rng.uniform(0, 4), WHITE: white}
            self.bone_scale = rng.uniform(0.75, 1.1)
        self.skin = Ellipsoid(0, 0, 0, 73 * size * aspect, 91 * size / aspect, 80 * size)
        self.skull_outer = self.skin.grow(-scalp)
        self.skull_inner = self.skull_outer.grow(-skull)
        self.brain = self.skull_inner.grow(-csf)
        self.white = self.brain.grow(-cortex)
        self.ventricles = [
            Ellipsoid(-10 * vsize, -4, vheight, 6 * vsize, 26 * vsize, 10 * vsize),
            Ellipsoid(10 * vsize, -4, vheight, 6 * vsize, 26 * vsize, 10 * vsize),
            Ellipsoid(0, 2, vheight - 16, 2.2, 12, 7),
        ]
        self.deep_grey = [Ellipsoid(-21, 0, vheight - 12, 8, 15, 10), Ellipsoid(21, 0, vheight - 12, 8, 15, 10)]

    def to_head(self, x, y):
        """Scanner (x, y) to the head's own frame (undo its in-plane shift and rotation)."""
        x = x - self.offset[0]
        y = y - self.offset[1]
        if self.angle == 0.0:
            return x, y
        c, s = math.cos(self.angle), math.sin(self.angle)
        return c * x + s * y, -s * x + c * y

    def hu_map(self, x, y, z):
        """HU (without noise) on a grid of head-frame x, y at height z."""
        hu = np.full(x.shape, -1000.0)
        skin = self.skin.q(x, y, z) <= 1
        hu[skin] = self.hu[SCALP]
        outer = self.skull_outer.q(x, y, z)
        inner = self.skull_inner.q(x, y, z)
        bone = (outer <= 1) & (inner > 1)
        ro, ri = np.sqrt(outer[bone]), np.sqrt(inner[bone])
        depth = (1 - ro) / (ri - ro)
        hu[bone] = 1000 * self.bone_scale + 800 * self.bone_scale * (2 * depth - 1) ** 2
        intracranial = inner <= 1
        hu[intracranial] = self.hu[CSF]
        brain = self.brain.q(x, y, z) <= 1
        fissure = (np.abs(x) < 1) & (np.abs(y - self.brain.c[1]) > 36)
        parenchyma = brain & ~fissure
        hu[parenchyma] = np.where(self.white.q(x, y, z)[parenchyma] > 1, self.hu[GREY], self.hu[WHITE])
        for nucleus in self.deep_grey:
            hu[parenchyma & (nucleus.q(x, y, z) <= 1)] = self.hu[DEEP_GREY]
        for ventricle in self.ventricles:
            hu[parenchyma & (ventricle.q(x, y, z) <= 1)] = self.hu[VENTRICLE]
        return hu


class Lesion:
    def __init__(self, shape, peak, edge):
        self.shape, self.peak, self.edge = shape, peak, edge

    def cross_section_radius(self, z):
        """Smallest in-plane radius (mm) of the lesion's section at height z, 0 if the plane misses it."""
        dz = (z - self.shape.c[2]) / self.shape.r[2]
        return 0.0 if abs(dz) >= 1 else min(self.shape.r[0], self.shape.r[1]) * math.sqrt(1 - dz * dz)


def fits(shape, head, margin):
    """The lesion's bounding sphere plus a margin lies inside the brain, off the midline, outside every ventricle."""
    reach = max(shape.r) + margin
    x, y, z = shape.c
    return (abs(x) - reach >= 1 and head.brain.grow(-reach).contains(x, y, z)
            and not any(v.grow(reach).contains(x, y, z) for v in head.ventricles))


def place_lesion(rng, head, low_z, high_z, sample_like):
    if sample_like:
        peak, edge = rng.uniform(74, 82), rng.uniform(62, 68)
    else:
        peak = rng.uniform(64, 85)
        edge = rng.uniform(60, min(peak, 72))
    for _ in range(20000):
        if sample_like:
            r = (rng.uniform(7, 13), rng.uniform(7, 13), rng.uniform(6, 10))
            centre = (rng.choice([-1, 1]) * rng.uniform(14, 45), rng.uniform(-45, 40), rng.uniform(-25, 50))
            margin = 3.0
        else:
            # log-uniform size: as many lesions of 3-6 mm as of 6-12 mm and 12-20 mm
            base = math.exp(rng.uniform(math.log(2.5), math.log(18)))
            r = (base * rng.uniform(0.75, 1.3), base * rng.uniform(0.75, 1.3), max(2.0, base * rng.uniform(0.6, 1.2)))
            centre = (rng.choice([-1, 1]) * rng.uniform(3, 55), rng.uniform(-70, 60), rng.uniform(-40, 70))
            margin = rng.uniform(1, 3)
        shape = Ellipsoid(*centre, *r)
        if shape.c[2] - shape.r[2] >= low_z and shape.c[2] + shape.r[2] <= high_z and fits(shape, head, margin):
            return Lesion(shape, peak, edge)
    raise RuntimeError("no place for a lesion")


class Acquisition:
    """One axial CT series of one phantom: geometry, noise, and optionally a lesion."""

    def __init__(self, seed, index, with_lesion):
        rng = rng_for(seed, f"acquisition/{index}")
        self.sample_like = rng.uniform() < 0.25
        self.head = Head(rng_for(seed, f"anatomy/{index}"), self.sample_like)
        if self.sample_like:
            self.matrix, self.slices = SAMPLE_MATRICES[rng.integers(2)]
            self.fov, low, coverage = 240.0, -54.0, 120.0
            self.noise = 4.0
        else:
            # Raised to the model's input size (area resampling only reduces); the draw itself is unchanged, so each
            # seed gives the same phantom for every version.
            self.matrix = max(int(rng.choice(MATRICES)), OUT_ROWS)
            self.fov = rng.uniform(200, 280)
            low = rng.uniform(-75, -40)
            high = rng.uniform(55, 95)
            spacing = rng.uniform(1.5, 6.0)
            self.slices = max(8, int(round((high - low) / spacing)))
            coverage = high - low
            self.noise = rng.uniform(1.5, 10)
        self.spacing = coverage / self.slices
        self.z = low + (np.arange(self.slices) + 0.5) * self.spacing
        self.noise_seed = (seed, index)
        self.lesion = None
        if with_lesion:
            lrng = rng_for(seed, f"lesion/{index}")
            for _ in range(100):
                lesion = place_lesion(lrng, self.head, low, low + coverage, self.sample_like)
                if any(lesion.cross_section_radius(z) >= 2.0 for z in self.z):
                    self.lesion = lesion
                    break
            if self.lesion is None:
                raise RuntimeError("lesion spans no slice")

    def labels(self):
        """Per slice: 1 where the slice's plane cuts the lesion with an in-plane radius of at least 2 mm, 0 where it
        misses the lesion, -1 (ambiguous, left out of training and slice metrics) for thinner cuts."""
        if self.lesion is None:
            return np.zeros(self.slices, dtype=np.int8)
        r = np.array([self.lesion.cross_section_radius(z) for z in self.z])
        return np.where(r >= 2.0, 1, np.where(r > 0, -1, 0)).astype(np.int8)

    def render_hu(self, index, lesion=True):
        """Stored-and-rescaled HU of slice `index` (what the modality LUT gives back), float64 matrix x matrix."""
        n = self.matrix
        spacing = self.fov / n
        coords = -self.fov / 2 + (np.arange(n) + 0.5) * spacing
        y, x = np.meshgrid(coords, coords, indexing="ij")  # rows run anterior to posterior
        hx, hy = self.head.to_head(x, y)
        z = float(self.z[index])
        hu = self.head.hu_map(hx, hy, z)
        if lesion and self.lesion is not None:
            q = self.lesion.shape.q(hx, hy, z)
            inside = q <= 1
            hu[inside] = self.lesion.peak - (self.lesion.peak - self.lesion.edge) * q[inside]
        noise = np.random.default_rng([*self.noise_seed, index, int(lesion)]).standard_normal(hu.shape)
        stored = np.clip(np.round(hu + self.noise * noise - RESCALE_INTERCEPT), 0, 4095)
        return stored + RESCALE_INTERCEPT
