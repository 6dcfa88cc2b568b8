namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// One synthetic identifier planted in the corpus: its full value and the parts that identify on their own
/// (each name part, the date in other layouts, the digits of an ID). The scanner searches for every part.
/// </summary>
/// <param name="Id">Stable name used in the manifest and in test output.</param>
/// <param name="Value">The value as planted in its home element.</param>
/// <param name="Parts">Searchable parts: the value itself plus the pieces that still identify when cut out of it.</param>
/// <param name="RetainedBy">Options under which PS3.15 Table E.1-1 keeps this identifier's home element (K):
/// a profile with one of them may legitimately let it through, so the zero-hit rule does not apply to it there.</param>
public sealed record PhiIdentifier(string Id, string Value, IReadOnlyList<string> Parts, IReadOnlySet<DeidentificationOption> RetainedBy)
{
    public PhiIdentifier(string id, string value, params string[] parts)
        : this(id, value, [value, .. parts], new HashSet<DeidentificationOption>())
    {
    }

    /// <summary>True when <paramref name="profile"/> may keep this identifier (its home element is K under one of the profile's options).</summary>
    public bool MaySurvive(DeidentificationProfile profile) => RetainedBy.Any(profile.Has);

    public override string ToString() => Id;
}

/// <summary>
/// The identifiers of the one synthetic patient of the corpus. Values are unique nonsense words so that a hit
/// is never a coincidence; digit runs are at least 8 long because replacement UIDs (2.25.&lt;39 digits&gt;)
/// would contain any shorter run by chance (a 4-digit run appears in about one UID in thirty).
/// </summary>
public static class PlantedIdentifiers
{
    public static readonly PhiIdentifier PatientName = new("patient-name", "Zqxwv^Plantedname", "Zqxwv", "Plantedname");

    /// <summary>ISO_IR 100 / UTF-8 name with accents (é U+00E9, ñ U+00F1).</summary>
    public static readonly PhiIdentifier PatientNameLatin1 = new("patient-name-latin1", "Zqxwvé^Plantédñame", "Zqxwvé", "Plantédñame");

    /// <summary>A name only UTF-8 (ISO_IR 192) can hold among the planted character sets.</summary>
    public static readonly PhiIdentifier PatientNameCyrillic = new("patient-name-cyrillic", "Зквхв^Плантеднейм", "Зквхв", "Плантеднейм");

    /// <summary>The PS3.5 Annex H (H.3.1) example: alphabetic, ideographic and phonetic groups.</summary>
    public static readonly PhiIdentifier PatientNameJapanese = new(
        "patient-name-japanese", "Yamada^Tarou=山田^太郎=やまだ^たろう", "Yamada", "Tarou", "山田", "太郎", "やまだ", "たろう");

    public static readonly PhiIdentifier PatientId = new("patient-id", "MRN-77319462-PLANT", "77319462");

    public static readonly PhiIdentifier BirthDate = new("birth-date", "19630217", "1963-02-17");

    public static readonly PhiIdentifier BirthTime = new("birth-time", "071513.482916");

    public static readonly PhiIdentifier Accession = new("accession", "ACC88123PLANT");

    public static readonly PhiIdentifier Phone = new("phone", "+1-555-0199-4417", "555-0199-4417");

    public static readonly PhiIdentifier Address = new("address", "4417 Quillfeather Lane, Plantville", "Quillfeather", "Plantville");

    public static readonly PhiIdentifier ReferringPhysician = new("referring-physician", "Vrexlar^Odwin^^Dr.", "Vrexlar", "Odwin");

    public static readonly PhiIdentifier Operator = new("operator", "Tusqueen^Marlowyn", "Tusqueen", "Marlowyn");

    /// <summary>Performing, reading, requesting, consulting physicians and other observers.</summary>
    public static readonly PhiIdentifier OtherPhysician = new("other-physician", "Brunhalt^Yselda", "Brunhalt", "Yselda");

    public static readonly PhiIdentifier Institution = new("institution", "Quixburg Memorial Hospital", "Quixburg");

    public static readonly PhiIdentifier DeviceSerial = new("device-serial", "SN-QX-99317", "QX-99317");

    /// <summary>Station name and AE titles (device identity).</summary>
    public static readonly PhiIdentifier Station = new("station", "QXPLANTAE77");

    public static readonly PhiIdentifier OtherPatientId = new("other-patient-id", "XPID-60418-PLANT", "XPID-60418");

    public static readonly PhiIdentifier Issuer = new("issuer", "Zelmoor Health Authority", "Zelmoor");

    public static readonly PhiIdentifier MilitaryRank = new("military-rank", "Brigadier Qorvath", "Qorvath");

    public static readonly PhiIdentifier Occupation = new("occupation", "Vellmarsh Angler", "Vellmarsh");

    /// <summary>Ethnic Group (0010,2160) is K under Retain Patient Characteristics, so it is planted only there.</summary>
    public static readonly PhiIdentifier EthnicGroup = new(
        "ethnic-group", "Ethnoplanted", ["Ethnoplanted"], new HashSet<DeidentificationOption> { DeidentificationOption.RetainPatientCharacteristics });

    public static IReadOnlyList<PhiIdentifier> All { get; } =
    [
        PatientName, PatientNameLatin1, PatientNameCyrillic, PatientNameJapanese, PatientId, BirthDate, BirthTime, Accession,
        Phone, Address, ReferringPhysician, Operator, OtherPhysician, Institution, DeviceSerial, Station, OtherPatientId,
        Issuer, MilitaryRank, Occupation, EthnicGroup,
    ];

    /// <summary>
    /// A UID that embeds the MRN digits and the birth date, as some sites build them (PS3.5 9.1 allows any digits).
    /// </summary>
    public static string EmbeddingUid(int serial) => $"1.2.826.0.1.77319462.19630217.{serial}";
}
