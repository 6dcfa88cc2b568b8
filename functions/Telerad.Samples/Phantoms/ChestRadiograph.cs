namespace Telerad.Samples.Phantoms;

/// <summary>
/// A PA chest radiograph phantom as it is displayed (MONOCHROME2: more attenuation is brighter; the
/// patient's right on the viewer's left). Coordinates in mm: x from the midline towards the patient's
/// left (image right), y down from the top of the detector. Soft tissue of the neck, shoulders and trunk;
/// two lungs bounded by the diaphragm domes (the right one higher), the mediastinum, heart and aortic knob
/// between them; spine, posterior ribs and clavicles; hilar vessels.
/// </summary>
internal sealed class ChestRadiograph
{
    public const double WidthMm = 344;
    public const double HeightMm = 409.6;

    private const double Unexposed = 120;  // direct exposure outside the body
    private const double SoftTissue = 1650;
    private const double LungContrast = 1250;
    private const double BoneContrast = 230;

    private readonly double _scale;
    private readonly Ellipsoid _rightLung;
    private readonly Ellipsoid _leftLung;
    private readonly Ellipsoid _heart;
    private readonly Ellipsoid _aorticKnob;
    private readonly double _rightDome;
    private readonly double _leftDome;

    private ChestRadiograph(double scale, double heartSize, double rightDome, double leftDome)
    {
        _scale = scale;
        // Ellipsoids used as ellipses (z = 0).
        _rightLung = new Ellipsoid(-80 * scale, 210 * scale, 0, 64 * scale, 132 * scale, 1);
        _leftLung = new Ellipsoid(80 * scale, 215 * scale, 0, 62 * scale, 130 * scale, 1);
        _heart = new Ellipsoid(28 * scale, 272 * scale, 0, 72 * scale * heartSize, 58 * scale * heartSize, 1);
        _aorticKnob = new Ellipsoid(30 * scale, 142 * scale, 0, 17 * scale, 17 * scale, 1);
        _rightDome = rightDome * scale;
        _leftDome = leftDome * scale;
    }

    public static ChestRadiograph Create(long seed)
    {
        var random = SampleRandom.For(seed, "chest-anatomy");
        return new ChestRadiograph(
            scale: random.Uniform(0.95, 1.03),
            heartSize: random.Uniform(0.92, 1.1),
            rightDome: random.Uniform(284, 292),
            leftDome: random.Uniform(296, 305));
    }

    /// <summary>The noiseless pixel value (0-4095) at a point.</summary>
    public double ValueAt(double x, double y)
    {
        var halfWidth = BodyHalfWidth(y);
        var across = x / halfWidth;
        if (across * across >= 1)
        {
            return Unexposed;
        }

        // Thicker in the middle of the trunk, so brighter there.
        var value = SoftTissue + (380 * (1 - (across * across)));
        var side = x < 0 ? _rightLung : _leftLung;
        var lungQ = side.Q(x, y, 0);
        if (lungQ < 1 && IsLung(x, y))
        {
            // Darkest in the middle of the lung, greyer towards its edges; vessels fan out from the hilum.
            value -= LungContrast * (1 - (0.35 * lungQ));
            var hilumX = x < 0 ? -42 * _scale : 44 * _scale;
            var dx = x - hilumX;
            var dy = y - (205 * _scale);
            value += 380 / (1 + (((dx * dx) + (dy * dy)) / 500));
        }

        value += BoneContrast * Bones(x, y);
        return Math.Clamp(value, 0, 4095);
    }

    private bool IsLung(double x, double y)
    {
        var medial = x < 0 ? -22 * _scale : 20 * _scale;
        if (x < 0 ? x > medial : x < medial)
        {
            return false;
        }

        // Diaphragm domes: lowest laterally, highest under the middle of each lung.
        var dome = x < 0 ? _rightDome : _leftDome;
        var fromCentre = Math.Abs(x) - (70 * _scale);
        if (y > dome + (0.0045 * fromCentre * fromCentre))
        {
            return false;
        }

        return !_heart.Contains(x, y, 0) && !_aorticKnob.Contains(x, y, 0);
    }

    /// <summary>Half the body's width at a height: neck, then shoulders, then the trunk.</summary>
    private double BodyHalfWidth(double y)
    {
        var neck = 55 * _scale;
        var trunk = 162 * _scale;
        var t = Math.Clamp((y - (42 * _scale)) / (75 * _scale), 0, 1);
        var smooth = t * t * (3 - (2 * t));
        return neck + ((trunk - neck) * smooth) - (y > 117 * _scale ? 0.035 * (y - (117 * _scale)) : 0);
    }

    /// <summary>How much bone the ray crosses here (0, 1 or a little more where bones overlap).</summary>
    private double Bones(double x, double y)
    {
        var bone = 0.0;
        var lateral = Math.Abs(x);

        // Thoracic spine with darker disc spaces every 24 mm.
        if (lateral < 17 * _scale && y > 35 * _scale)
        {
            bone += ((y - (35 * _scale)) % (24 * _scale)) < 4 * _scale ? 0.4 : 1.1;
        }

        // Posterior ribs: arcs rising from the spine and curving down at the chest wall.
        if (lateral > 18 * _scale && lateral < 155 * _scale)
        {
            var u = lateral - (18 * _scale);
            for (var rib = 0; rib < 10; rib++)
            {
                var centre = ((98 + (23 * rib)) * _scale) - (0.55 * u) + (0.006 * u * u / _scale);
                var distance = Math.Abs(y - centre);
                var halfThickness = (3.5 + (0.15 * rib)) * _scale;
                if (distance < halfThickness + 1)
                {
                    bone += Math.Min(1, halfThickness + 1 - distance); // a 1 mm soft edge
                }
            }
        }

        // Clavicles: from the sternal notch out and slightly up to the shoulders.
        var (x0, y0, x1, y1) = (24 * _scale, 82 * _scale, 150 * _scale, 64 * _scale);
        var distanceToClavicle = DistanceToSegment(lateral, y, x0, y0, x1, y1);
        if (distanceToClavicle < 6 * _scale)
        {
            bone += 1.2;
        }

        return bone;
    }

    private static double DistanceToSegment(double x, double y, double x0, double y0, double x1, double y1)
    {
        var (dx, dy) = (x1 - x0, y1 - y0);
        var t = Math.Clamp((((x - x0) * dx) + ((y - y0) * dy)) / ((dx * dx) + (dy * dy)), 0, 1);
        var (px, py) = (x0 + (t * dx) - x, y0 + (t * dy) - y);
        return Math.Sqrt((px * px) + (py * py));
    }
}
