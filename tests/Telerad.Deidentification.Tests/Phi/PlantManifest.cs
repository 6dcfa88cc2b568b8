namespace Telerad.Deidentification.Tests.Phi;

/// <summary>Where planted values are grouped in reports (one category per planted location).</summary>
public static class PlantCategory
{
    public const string PatientModule = "patient-module";
    public const string PersonName = "person-name";
    public const string FreeText = "free-text";
    public const string DateTime = "date-time";
    public const string Uid = "uid";
    public const string OtherIds = "other-patient-ids-names";
    public const string NestedSequence = "nested-sequence";
    public const string StructuredContent = "sr-content";
    public const string Private = "private";
    public const string PrivateCreator = "private-creator";
    public const string IllegalGroup = "illegal-odd-group";
    public const string UnknownVR = "un";
    public const string FileMeta = "file-meta";
    public const string Preamble = "preamble";
    public const string Overlay = "overlay";
    public const string Curve = "curve";
    public const string IconImage = "icon-image";
    public const string DigitalSignature = "digital-signature";
    public const string OriginalAttributes = "original-attributes";
    public const string Equipment = "equipment-institution";
}

/// <summary>
/// One planted identifier in one place: the file, the element path (as <see cref="DicomByteWalker"/> names it),
/// which identifier, in which encoding, and what the place is.
/// </summary>
public sealed record PlantedEntry(string File, string Path, PhiIdentifier Identifier, PhiEncoding Encoding, string Category, string What)
{
    public override string ToString() => $"{File} {Path} [{Category}: {What}] {Identifier.Id} as {Encoding}";
}

/// <summary>
/// Something de-identification must not remove (so that over-removal shows): checked on the data set read back
/// from the engine's output. <paramref name="OnlyWith"/>: the check applies only to profiles with that option.
/// </summary>
public sealed record MustSurvive(string What, DeidentificationOption? OnlyWith, Func<DicomDataset, string?> Check)
{
    public bool AppliesTo(DeidentificationProfile profile) => OnlyWith is not { } option || profile.Has(option);
}

/// <summary>A generated corpus file: its bytes, what was planted where, and what must survive.</summary>
/// <param name="PatientName">The Patient's Name planted in (0010,0010) (the file's repertoire decides which).</param>
public sealed record PhiCorpusFile(string Name, string Origin, string PatientName, byte[] Bytes, IReadOnlyList<PlantedEntry> Entries, IReadOnlyList<MustSurvive> MustSurvive)
{
    public override string ToString() => Name;
}
