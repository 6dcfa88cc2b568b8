namespace Telerad.Samples;

/// <summary>The two sample sizes the CLI offers.</summary>
public enum SampleSize
{
    /// <summary>Small enough to generate in well under a second and keep the set around 14 MB.</summary>
    Small,

    /// <summary>Matrix sizes and slice spacing like a scanner's (about 100 MB).</summary>
    Full,
}

/// <summary>
/// Matrix sizes and slice counts of the sample studies. The phantoms are defined in millimetres over a
/// fixed field of view and coverage, so the anatomy (and the lesion) is the same at every size; only the
/// sampling changes.
/// </summary>
public sealed record SampleDimensions(int CtMatrix, int CtSlices, int MrMatrix, int MrSlices, int CrRows, int CrColumns)
{
    /// <summary>CT 256x256x40 (3 mm slices), MR 256x256x12, CR 1024x860 (0.4 mm).</summary>
    public static SampleDimensions Small { get; } = new(256, 40, 256, 12, 1024, 860);

    /// <summary>CT 512x512x80 (1.5 mm slices), MR 512x512x24, CR 2048x1720 (0.2 mm).</summary>
    public static SampleDimensions Full { get; } = new(512, 80, 512, 24, 2048, 1720);

    public static SampleDimensions For(SampleSize size) => size switch
    {
        SampleSize.Small => Small,
        SampleSize.Full => Full,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Unknown sample size."),
    };

    internal void Validate()
    {
        // Below these the phantoms stop looking like anatomy (and the lesion would span no slice).
        Check(CtMatrix, 32, 1024, nameof(CtMatrix));
        Check(CtSlices, 8, 1000, nameof(CtSlices));
        Check(MrMatrix, 32, 1024, nameof(MrMatrix));
        Check(MrSlices, 1, 500, nameof(MrSlices));
        Check(CrRows, 64, 4096, nameof(CrRows));
        Check(CrColumns, 64, 4096, nameof(CrColumns));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}

/// <summary>What to generate.</summary>
public sealed record SampleOptions
{
    /// <summary>Everything (UIDs, dates, head shape, lesion position, noise) follows from the seed.</summary>
    public long Seed { get; init; } = 1;

    public SampleDimensions Dimensions { get; init; } = SampleDimensions.Small;

    /// <summary>Write into a non-empty folder, replacing the sample studies' own files there.</summary>
    public bool Overwrite { get; init; }
}
