using System.Globalization;

namespace Telerad.Dicom;

/// <summary>VOI LUT Function (0028,1056), PS3.3 C.11.2.1.3.</summary>
public enum VoiFunction
{
    /// <summary>C.11.2.1.2.1: the default; centre and width are offset by 0.5 and 1.</summary>
    Linear,

    /// <summary>C.11.2.1.3.2: the window is exactly [c - w/2, c + w/2].</summary>
    LinearExact,

    /// <summary>C.11.2.1.3.1: y = (ymax - ymin) / (1 + exp(-4 (x - c) / w)) + ymin.</summary>
    Sigmoid,
}

/// <summary>
/// The VOI LUT (PS3.3 C.11.2): modality values to display values in [yMin, yMax], by a window (centre, width,
/// function) or by a VOI LUT Sequence table (whose entries are scaled from [0, 2^bits - 1] to the output range).
/// </summary>
public sealed class VoiLut
{
    private VoiLut(double center, double width, VoiFunction function, LookupTable? table)
    {
        Center = center;
        Width = width;
        Function = function;
        Table = table;
    }

    public double Center { get; }

    public double Width { get; }

    public VoiFunction Function { get; }

    public LookupTable? Table { get; }

    public static VoiLut Window(double center, double width, VoiFunction function = VoiFunction.Linear)
    {
        var minimum = function == VoiFunction.Linear ? 1 : double.Epsilon;
        if (!(width >= minimum) || !double.IsFinite(center) || !double.IsFinite(width))
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Window width must be at least {(function == VoiFunction.Linear ? "1" : "above 0")} (PS3.3 C.11.2.1.2).");
        }

        return new VoiLut(center, width, function, null);
    }

    public static VoiLut FromTable(LookupTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new VoiLut(0, 0, VoiFunction.Linear, table);
    }

    /// <summary>A LINEAR_EXACT window mapping [minimum, maximum] onto the output range (for images without a VOI).</summary>
    public static VoiLut FromRange(double minimum, double maximum) =>
        Window((minimum + maximum) / 2, Math.Max(maximum - minimum, 1e-6), VoiFunction.LinearExact);

    /// <summary>The display value of modality value <paramref name="x"/>.</summary>
    public double Apply(double x, double yMin = 0, double yMax = 255)
    {
        var range = yMax - yMin;
        if (Table is { } table)
        {
            return yMin + (table.Lookup(x) * range / table.MaxEntry);
        }

        switch (Function)
        {
            case VoiFunction.Sigmoid:
                return (range / (1 + Math.Exp(-4 * (x - Center) / Width))) + yMin;
            case VoiFunction.LinearExact:
                if (x <= Center - (Width / 2))
                {
                    return yMin;
                }

                return x > Center + (Width / 2) ? yMax : (((x - Center) / Width) + 0.5) * range + yMin;
            default:
                if (x <= Center - 0.5 - ((Width - 1) / 2))
                {
                    return yMin;
                }

                return x > Center - 0.5 + ((Width - 1) / 2) ? yMax : (((x - (Center - 0.5)) / (Width - 1)) + 0.5) * range + yMin;
        }
    }

    /// <summary>
    /// The frame's VOI: the <paramref name="index"/>-th window of the Frame VOI LUT functional group (per-frame,
    /// then shared), else of the top-level Window Center / Width, else the first VOI LUT Sequence item; null if none.
    /// </summary>
    public static VoiLut? FromDataset(DicomDataset dataset, int frameIndex = 0, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var module = FunctionalGroups.Find(dataset, frameIndex, DicomTags.FrameVOILUTSequence) ?? dataset;
        var centers = module.GetDoubles(DicomTags.WindowCenter);
        var widths = module.GetDoubles(DicomTags.WindowWidth);
        if (centers.Length > 0 && widths.Length > 0)
        {
            var i = Math.Min(index, Math.Min(centers.Length, widths.Length) - 1);
            var functionName = module.GetString(DicomTags.VOILUTFunction)?.Trim().ToUpperInvariant();
            var function = functionName switch
            {
                "LINEAR_EXACT" => VoiFunction.LinearExact,
                "SIGMOID" => VoiFunction.Sigmoid,
                _ => VoiFunction.Linear,
            };
            if (widths[i] >= (function == VoiFunction.Linear ? 1 : double.Epsilon))
            {
                return Window(centers[i], widths[i], function);
            }
        }

        if (dataset.GetSequence(DicomTags.VOILUTSequence) is { Items.Count: > 0 } sequence)
        {
            var item = sequence.Items[Math.Min(index, sequence.Items.Count - 1)];
            return FromTable(LookupTable.FromItem(item, DicomTags.LUTDescriptor, DicomTags.LUTData, dataset.GetInt32(DicomTags.PixelRepresentation) == 1));
        }

        return null;
    }

    public override string ToString() => Table is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Function} window c={Center} w={Width}")
        : $"VOI LUT of {Table.Entries.Count} entries";
}
