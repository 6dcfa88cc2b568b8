namespace Telerad.Deidentification.Tests.Phi;

/// <summary>The character repertoire a corpus file's text is planted in (its Specific Character Set).</summary>
public enum PlantCharset
{
    /// <summary>No (0008,0005): the default repertoire.</summary>
    Ascii,

    /// <summary>ISO_IR 100.</summary>
    Latin1,

    /// <summary>ISO_IR 192.</summary>
    Utf8,

    /// <summary>"\ISO 2022 IR 87" (or a file that already declares ISO 2022 IR 87 after an empty or ISO-IR 6 value 1).</summary>
    Iso2022Japanese,
}

/// <summary>
/// The state of one corpus file while values are planted: its data set, its repertoire, the manifest being
/// written, replacement UIDs (an original UID always maps to the same planted UID, so references stay
/// consistent), and raw elements the writer splices in where the data set model cannot express them.
/// </summary>
public sealed class PlantFile
{
    private readonly Dictionary<string, string> _uids = new(StringComparer.Ordinal);
    private int _uidSerial;

    public PlantFile(string name, string origin, DicomDataset dataset, PlantCharset charset, bool explicitVR)
    {
        Name = name;
        Origin = origin;
        Dataset = dataset;
        Charset = charset;
        ExplicitVR = explicitVR;
        Root = new PlantSite(this, dataset, string.Empty);
    }

    public string Name { get; }

    public string Origin { get; }

    public DicomDataset Dataset { get; }

    public PlantCharset Charset { get; }

    /// <summary>Written in Explicit VR Little Endian (else Implicit): UN plants need explicit VR.</summary>
    public bool ExplicitVR { get; }

    public PlantSite Root { get; }

    public List<PlantedEntry> Entries { get; } = [];

    public List<MustSurvive> MustSurvive { get; } = [];

    /// <summary>Top-level elements written as given bytes (header included) in place of a placeholder element.</summary>
    public List<(DicomTag Tag, byte[] Bytes)> RawElements { get; } = [];

    /// <summary>The patient's name in this file's repertoire, and every name the repertoire can hold (primary first).</summary>
    public IReadOnlyList<PhiIdentifier> PatientNames => Charset switch
    {
        PlantCharset.Latin1 => [PlantedIdentifiers.PatientNameLatin1, PlantedIdentifiers.PatientName],
        PlantCharset.Utf8 => [PlantedIdentifiers.PatientNameCyrillic, PlantedIdentifiers.PatientNameLatin1, PlantedIdentifiers.PatientNameJapanese, PlantedIdentifiers.PatientName],
        PlantCharset.Iso2022Japanese => [PlantedIdentifiers.PatientNameJapanese, PlantedIdentifiers.PatientName],
        _ => [PlantedIdentifiers.PatientName],
    };

    public PhiIdentifier PrimaryName => PatientNames[0];

    /// <summary>The primary name as running text ("Given Family"), as a report or comment would write it.</summary>
    public string NameInText => Charset switch
    {
        PlantCharset.Latin1 => "Plantédñame Zqxwvé",
        PlantCharset.Utf8 => "Плантеднейм Зквхв",
        PlantCharset.Iso2022Japanese => "山田太郎 (やまだ たろう)",
        _ => "Plantedname Zqxwv",
    };

    /// <summary>The planted UID that stands for <paramref name="original"/> (a new one for each distinct original).</summary>
    public string UidFor(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        if (original.StartsWith(PlantedIdentifiers.EmbeddingUid(0)[..^1], StringComparison.Ordinal))
        {
            return original; // already planted
        }

        if (!_uids.TryGetValue(original, out var planted))
        {
            planted = NewUid();
            _uids[original] = planted;
        }

        return planted;
    }

    public string NewUid() => PlantedIdentifiers.EmbeddingUid(++_uidSerial);

    /// <summary>The bytes of text in this file's repertoire (throws if the repertoire cannot hold it: a planting mistake).</summary>
    public byte[] EncodeText(string text) => Charset switch
    {
        PlantCharset.Latin1 => PhiText.Encode(text, PhiEncoding.Latin1),
        PlantCharset.Utf8 => PhiText.Encode(text, PhiEncoding.Utf8),
        PlantCharset.Iso2022Japanese => PhiText.EncodeIso2022(text),
        _ => PhiText.Encode(text, PhiEncoding.Ascii),
    };

    /// <summary>How a part of an identifier is encoded when planted as text in this file.</summary>
    public PhiEncoding TextEncodingOf(string part) => PhiText.IsAscii(part) ? PhiEncoding.Ascii : Charset switch
    {
        PlantCharset.Latin1 => PhiEncoding.Latin1,
        PlantCharset.Utf8 => PhiEncoding.Utf8,
        PlantCharset.Iso2022Japanese => PhiEncoding.Iso2022Jis,
        _ => throw new InvalidOperationException("Non-ASCII text in a default-repertoire file."),
    };

    /// <summary>Records every identifier whose parts occur in <paramref name="text"/> as planted at <paramref name="path"/>.</summary>
    public void Record(string path, string text, Func<string, PhiEncoding> encodingOfPart, string category, string what)
    {
        var seen = new HashSet<(string, PhiEncoding)>();
        foreach (var identifier in PlantedIdentifiers.All)
        {
            foreach (var part in identifier.Parts)
            {
                var comparison = PhiText.IsAscii(part) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                if (text.Contains(part, comparison) && seen.Add((identifier.Id, encodingOfPart(part))))
                {
                    Entries.Add(new PlantedEntry(Name, path, identifier, encodingOfPart(part), category, what));
                }
            }
        }
    }
}
