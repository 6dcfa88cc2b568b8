namespace Telerad.Dicom;

/// <summary>
/// The Modality LUT (PS3.3 C.11.1): stored values to modality values (e.g. Hounsfield units), either the
/// linear Rescale Slope / Intercept or a Modality LUT Sequence table.
/// </summary>
public sealed class ModalityLut
{
    private ModalityLut(double slope, double intercept, LookupTable? table)
    {
        Slope = slope;
        Intercept = intercept;
        Table = table;
    }

    public static ModalityLut Identity { get; } = new(1, 0, null);

    public double Slope { get; }

    public double Intercept { get; }

    /// <summary>The table, when a Modality LUT Sequence replaces the rescale.</summary>
    public LookupTable? Table { get; }

    public bool IsIdentity => Table is null && Slope == 1 && Intercept == 0;

    public static ModalityLut Rescale(double slope, double intercept) => new(slope, intercept, null);

    public static ModalityLut FromTable(LookupTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new ModalityLut(1, 0, table);
    }

    public double Apply(double stored) => Table is { } t ? t.Lookup(stored) : (stored * Slope) + Intercept;

    /// <summary>
    /// The Modality LUT of one frame: the frame's Pixel Value Transformation (per-frame, then shared functional
    /// groups, PS3.3 C.7.6.16.2.9), else the top-level Modality LUT Sequence, else Rescale Slope / Intercept,
    /// else identity.
    /// </summary>
    public static ModalityLut FromDataset(DicomDataset dataset, int frameIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var signed = dataset.GetInt32(DicomTags.PixelRepresentation) == 1;
        if (FunctionalGroups.Find(dataset, frameIndex, DicomTags.PixelValueTransformationSequence) is { } transformation)
        {
            return FromModule(transformation, signed);
        }

        return FromModule(dataset, signed);
    }

    private static ModalityLut FromModule(DicomDataset module, bool signed)
    {
        if (module.GetSequence(DicomTags.ModalityLUTSequence) is { Items.Count: > 0 } sequence)
        {
            return FromTable(LookupTable.FromItem(sequence.Items[0], DicomTags.LUTDescriptor, DicomTags.LUTData, signed));
        }

        var slope = module.GetDouble(DicomTags.RescaleSlope) ?? 1;
        var intercept = module.GetDouble(DicomTags.RescaleIntercept) ?? 0;
        return slope == 1 && intercept == 0 ? Identity : Rescale(slope == 0 ? 1 : slope, intercept);
    }
}

/// <summary>Looks a functional group macro up for one frame (PS3.3 C.7.6.16): per-frame first, then shared.</summary>
internal static class FunctionalGroups
{
    public static DicomDataset? Find(DicomDataset dataset, int frameIndex, DicomTag macro)
    {
        if (dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence) is { } perFrame && frameIndex >= 0 && frameIndex < perFrame.Items.Count
            && perFrame.Items[frameIndex].GetSequence(macro) is { Items.Count: > 0 } own)
        {
            return own.Items[0];
        }

        if (dataset.GetSequence(DicomTags.SharedFunctionalGroupsSequence) is { Items.Count: > 0 } shared
            && shared.Items[0].GetSequence(macro) is { Items.Count: > 0 } common)
        {
            return common.Items[0];
        }

        return null;
    }
}
