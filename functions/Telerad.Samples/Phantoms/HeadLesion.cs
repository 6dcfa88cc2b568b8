namespace Telerad.Samples.Phantoms;

/// <summary>
/// A hyperdense intraparenchymal lesion (like an acute haematoma): an ellipsoid whose attenuation falls
/// from <see cref="PeakHu"/> at the centre to <see cref="EdgeHu"/> at the surface, both within 60-85 HU.
/// </summary>
internal sealed class HeadLesion
{
    private const double Margin = 3; // mm of parenchyma kept between the lesion and the CSF spaces

    private HeadLesion(Ellipsoid shape, double peakHu, double edgeHu)
    {
        Shape = shape;
        PeakHu = peakHu;
        EdgeHu = edgeHu;
    }

    public Ellipsoid Shape { get; }

    public double PeakHu { get; }

    public double EdgeHu { get; }

    /// <summary>The lesion's attenuation at a point inside it (Q &lt;= 1), else null.</summary>
    public double? HuAt(double x, double y, double z)
    {
        var q = Shape.Q(x, y, z);
        return q <= 1 ? PeakHu - ((PeakHu - EdgeHu) * q) : null;
    }

    /// <summary>
    /// A seed-chosen lesion inside the parenchyma of either hemisphere, clear of the ventricles and the
    /// brain surface, with its whole extent between <paramref name="lowestZ"/> and <paramref name="highestZ"/>.
    /// </summary>
    public static HeadLesion Place(long seed, HeadAnatomy anatomy, double lowestZ, double highestZ)
    {
        var random = SampleRandom.For(seed, "head-lesion");
        // Rounded to 0.1 (mm, HU) so study.json reads plainly and states the lesion exactly.
        var peak = Round(random.Uniform(74, 82));
        var edge = Round(random.Uniform(62, 68));
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var side = random.NextDouble() < 0.5 ? -1 : 1;
            var shape = new Ellipsoid(
                side * Round(random.Uniform(14, 45)),
                Round(random.Uniform(-45, 40)),
                Round(random.Uniform(-25, 50)),
                Round(random.Uniform(7, 13)),
                Round(random.Uniform(7, 13)),
                Round(random.Uniform(6, 10)));
            if (shape.CentreZ - shape.RadiusZ >= lowestZ && shape.CentreZ + shape.RadiusZ <= highestZ && FitsInParenchyma(shape, anatomy))
            {
                return new HeadLesion(shape, peak, edge);
            }
        }

        // Not reached for the head shapes HeadAnatomy makes (a test places lesions for many seeds).
        throw new InvalidOperationException($"No place for a lesion between z {lowestZ} and {highestZ} mm.");
    }

    private static double Round(double value) => Math.Round(value, 1);

    /// <summary>
    /// Conservative: the lesion's bounding sphere plus the margin must lie inside the brain, off the midline
    /// and outside every ventricle. An ellipsoid grown (shrunk) by r contains (lies within) the set of points within r of it.
    /// </summary>
    private static bool FitsInParenchyma(Ellipsoid shape, HeadAnatomy anatomy)
    {
        var reach = Math.Max(shape.RadiusX, Math.Max(shape.RadiusY, shape.RadiusZ)) + Margin;
        var (x, y, z) = (shape.CentreX, shape.CentreY, shape.CentreZ);
        return Math.Abs(x) - reach >= 1 // clear of the interhemispheric fissure
            && anatomy.Brain.Grow(-reach).Contains(x, y, z)
            && !anatomy.Ventricles.Any(v => v.Grow(reach).Contains(x, y, z));
    }
}
