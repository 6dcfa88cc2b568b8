namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// What de-identification must keep, so that removing everything cannot pass: SOP Class, Modality, image geometry,
/// the pixel data bytes, and (under Retain Safe Private) every private element Table E.3.10-1 lists as safe. Also
/// states Burned In Annotation = NO on images, so that no policy has a reason to quarantine the corpus.
/// </summary>
public static class SurvivorPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var data = file.Dataset;
        if (string.IsNullOrEmpty(data.GetUid(DicomTags.SOPClassUID)))
        {
            file.Root.PlainText(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        }

        if (data.Contains(DicomTags.PixelData))
        {
            file.Root.PlainText(DicomTags.BurnedInAnnotation, DicomVR.CS, "NO");
        }

        foreach (var tag in new[] { DicomTags.SOPClassUID, DicomTags.Modality, DicomTags.Rows, DicomTags.Columns, DicomTags.BitsAllocated, DicomTags.PixelData })
        {
            if (data.TryGetElement(tag, out var element) && element.Value.Length > 0)
            {
                file.MustSurvive.Add(SameValue(tag, null, DicomDictionary.KeywordOf(tag), element.Value.GetMemory().ToArray()));
            }
        }

        var table = ConfidentialityTables.Standard;
        foreach (var item in data)
        {
            if (item is DicomElement element && item.Tag.IsPrivate && !item.Tag.IsPrivateCreator
                && data.GetPrivateCreator(item.Tag) is { } creator
                && table.IsSafePrivate(creator, item.Tag.Group, (byte)item.Tag.Element))
            {
                var group = item.Tag.Group;
                var offset = (byte)item.Tag.Element;
                var expected = element.Value.GetMemory().ToArray();
                file.MustSurvive.Add(new MustSurvive(
                    $"safe private ({group:X4},xx{offset:X2}) of '{creator}'",
                    DeidentificationOption.RetainSafePrivate,
                    output => output.GetPrivateTag(group, creator, offset) is { } tag && output.TryGetElement(tag, out var kept)
                        ? Same(expected, kept.Value.GetMemory().Span) ? null : "value changed"
                        : "removed"));
            }
        }
    }

    private static MustSurvive SameValue(DicomTag tag, DeidentificationOption? onlyWith, string what, byte[] expected) =>
        new(what, onlyWith, output => output.TryGetElement(tag, out var kept)
            ? Same(expected, kept.Value.GetMemory().Span) ? null : "value changed"
            : "removed");

    /// <summary>Equal bytes, allowing the writer's padding of an odd-length value.</summary>
    private static bool Same(byte[] expected, ReadOnlySpan<byte> actual) =>
        actual.SequenceEqual(expected)
        || (actual.Length == expected.Length + 1 && actual[..expected.Length].SequenceEqual(expected) && actual[^1] is 0 or (byte)' ');
}
