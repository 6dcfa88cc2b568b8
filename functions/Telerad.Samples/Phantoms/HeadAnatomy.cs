namespace Telerad.Samples.Phantoms;

/// <summary>
/// A head phantom in patient coordinates (LPS, mm; x to the patient's left, y posterior, z superior, the
/// centre of the skull at the origin): scalp, a skull of outer table / diploe / inner table, a thin layer
/// of CSF, cortical grey matter over white matter, deep grey nuclei, and the lateral and third ventricles.
/// Nested ellipsoids, shaped a little differently per seed so a model trained on them sees some variety.
/// </summary>
internal sealed class HeadAnatomy
{
    private const double FissureClearance = 36; // mm from the centre, anterior and posterior, where the fissure stops

    private readonly Ellipsoid _skin;
    private readonly Ellipsoid _skullOuter;
    private readonly Ellipsoid _skullInner;
    private readonly Ellipsoid _brain;
    private readonly Ellipsoid _whiteMatter;
    private readonly Ellipsoid[] _ventricles;
    private readonly Ellipsoid[] _deepGrey;

    private HeadAnatomy(Ellipsoid skin, double scalp, double skull, double csf, double cortex, Ellipsoid[] ventricles, Ellipsoid[] deepGrey)
    {
        _skin = skin;
        _skullOuter = skin.Grow(-scalp);
        _skullInner = _skullOuter.Grow(-skull);
        _brain = _skullInner.Grow(-csf);
        _whiteMatter = _brain.Grow(-cortex);
        _ventricles = ventricles;
        _deepGrey = deepGrey;
    }

    /// <summary>The brain surface (pia), for placing lesions inside it.</summary>
    public Ellipsoid Brain => _brain;

    /// <summary>Ventricles (lateral and third), which a parenchymal lesion keeps clear of.</summary>
    public IReadOnlyList<Ellipsoid> Ventricles => _ventricles;

    public static HeadAnatomy Create(long seed)
    {
        var random = SampleRandom.For(seed, "head-anatomy");
        var size = random.Uniform(0.94, 1.05);
        var aspect = random.Uniform(0.96, 1.04);
        var skin = new Ellipsoid(0, 0, 0, 73 * size * aspect, 91 * size / aspect, 80 * size);
        var ventricleSize = random.Uniform(0.85, 1.25);
        var ventricleHeight = random.Uniform(10, 18);
        Ellipsoid[] ventricles =
        [
            // Lateral ventricles: long in the anterior-posterior direction, either side of the midline.
            new(-10 * ventricleSize, -4, ventricleHeight, 6 * ventricleSize, 26 * ventricleSize, 10 * ventricleSize),
            new(10 * ventricleSize, -4, ventricleHeight, 6 * ventricleSize, 26 * ventricleSize, 10 * ventricleSize),
            // Third ventricle: a midline slit below them.
            new(0, 2, ventricleHeight - 16, 2.2, 12, 7),
        ];
        Ellipsoid[] deepGrey =
        [
            // Basal ganglia / thalami lateral to the third ventricle.
            new(-21, 0, ventricleHeight - 12, 8, 15, 10),
            new(21, 0, ventricleHeight - 12, 8, 15, 10),
        ];
        return new HeadAnatomy(skin, scalp: random.Uniform(4, 6), skull: random.Uniform(5.5, 7.5), csf: 2, cortex: 3.5, ventricles, deepGrey);
    }

    /// <summary>
    /// The tissue at a point. For bone, <paramref name="boneDepth"/> runs from 0 at the outer surface of the
    /// skull to 1 at its inner surface (dense tables at both ends, diploe in between).
    /// </summary>
    public HeadTissue Classify(double x, double y, double z, out double boneDepth)
    {
        boneDepth = 0;
        if (_skin.Q(x, y, z) > 1)
        {
            return HeadTissue.Air;
        }

        var outer = _skullOuter.Q(x, y, z);
        if (outer > 1)
        {
            return HeadTissue.Scalp;
        }

        var inner = _skullInner.Q(x, y, z);
        if (inner > 1)
        {
            // sqrt(Q) is the normalised radius against each surface: 1 on it.
            var outerRadius = Math.Sqrt(outer);
            var innerRadius = Math.Sqrt(inner);
            boneDepth = (1 - outerRadius) / (innerRadius - outerRadius);
            return HeadTissue.Bone;
        }

        if (_brain.Q(x, y, z) > 1)
        {
            return HeadTissue.SubarachnoidCsf;
        }

        // The interhemispheric fissure: a thin midline cleft of CSF in front of and behind the ventricles.
        if (Math.Abs(x) < 1 && Math.Abs(y - _brain.CentreY) > FissureClearance)
        {
            return HeadTissue.SubarachnoidCsf;
        }

        foreach (var ventricle in _ventricles)
        {
            if (ventricle.Contains(x, y, z))
            {
                return HeadTissue.Ventricle;
            }
        }

        foreach (var nucleus in _deepGrey)
        {
            if (nucleus.Contains(x, y, z))
            {
                return HeadTissue.DeepGreyMatter;
            }
        }

        return _whiteMatter.Q(x, y, z) > 1 ? HeadTissue.GreyMatter : HeadTissue.WhiteMatter;
    }
}
