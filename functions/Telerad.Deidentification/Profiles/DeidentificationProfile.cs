namespace Telerad.Deidentification;

/// <summary>
/// A named de-identification profile: the Basic Application Level Confidentiality Profile plus options
/// (PS3.15 E.3), and Telerad's policy for pixel data that may carry burned-in text.
/// Profiles are configuration (JSON, see <see cref="DeidentificationProfileJson"/>).
/// </summary>
public sealed record DeidentificationProfile
{
    public required string Name { get; init; }

    public IReadOnlySet<DeidentificationOption> Options { get; init; } = new HashSet<DeidentificationOption>();

    /// <summary>Opt-in rules that blank known annotation regions; only a matching rule lets an at-risk image through.</summary>
    public IReadOnlyList<RegionBlankingRule> RegionBlanking { get; init; } = [];

    /// <summary>Date shifts are drawn per patient from [-MaxDateShiftDays, -MinDateShiftDays] (into the past).</summary>
    public int MinDateShiftDays { get; init; } = 1;

    public int MaxDateShiftDays { get; init; } = 3650;

    public bool Has(DeidentificationOption option) => Options.Contains(option);

    /// <summary>Telerad's default for reading: Basic + Retain Longitudinal Temporal Information (Modified Dates)
    /// + Retain Patient Characteristics + Clean Descriptors + Retain Safe Private.</summary>
    public static DeidentificationProfile Reading { get; } = new()
    {
        Name = "reading",
        Options = new HashSet<DeidentificationOption>
        {
            DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates,
            DeidentificationOption.RetainPatientCharacteristics,
            DeidentificationOption.CleanDescriptors,
            DeidentificationOption.RetainSafePrivate,
        },
    };

    /// <summary>The Basic profile with no options: the most removal.</summary>
    public static DeidentificationProfile Basic { get; } = new() { Name = "basic" };

    /// <summary>Checks that the options can be combined; throws <see cref="ArgumentException"/> with the reason.</summary>
    public void Validate()
    {
        if (Has(DeidentificationOption.RetainLongitudinalTemporalInformationFullDates)
            && Has(DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates))
        {
            throw new ArgumentException($"Profile '{Name}': the Full Dates and Modified Dates options exclude each other.");
        }

        if (Has(DeidentificationOption.CleanGraphics))
        {
            throw new ArgumentException($"Profile '{Name}': the Clean Graphics option is not supported; overlays, curves and graphic annotations are removed instead.");
        }

        if (MinDateShiftDays < 1 || MaxDateShiftDays < MinDateShiftDays || MaxDateShiftDays > 36500)
        {
            throw new ArgumentException($"Profile '{Name}': date shift range must be 1 <= min <= max <= 36500 days.");
        }

        foreach (var rule in RegionBlanking)
        {
            rule.Validate(Name);
        }
    }
}

/// <summary>
/// Blanks fixed rectangles of images from one device type (matched by manufacturer, model and image size),
/// where that device is known to burn text in. Only then is Burned In Annotation set to NO.
/// </summary>
public sealed record RegionBlankingRule
{
    public required string Manufacturer { get; init; }

    public required string ManufacturerModelName { get; init; }

    public required int Rows { get; init; }

    public required int Columns { get; init; }

    public required IReadOnlyList<BlankRegion> Regions { get; init; }

    internal void Validate(string profile)
    {
        if (Rows <= 0 || Columns <= 0 || Regions.Count == 0)
        {
            throw new ArgumentException($"Profile '{profile}': a region blanking rule needs rows, columns and at least one region.");
        }

        foreach (var r in Regions)
        {
            if (r.X < 0 || r.Y < 0 || r.Width <= 0 || r.Height <= 0 || r.X + r.Width > Columns || r.Y + r.Height > Rows)
            {
                throw new ArgumentException($"Profile '{profile}': region {r} does not fit a {Columns}x{Rows} image.");
            }
        }
    }
}

public sealed record BlankRegion(int X, int Y, int Width, int Height);
