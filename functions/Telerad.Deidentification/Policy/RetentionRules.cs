using System.Reflection;
using System.Text;

namespace Telerad.Deidentification;

/// <summary>
/// What happens to a public attribute that PS3.15 Table E.1-1 does not list. Allow-list thinking: it is
/// kept only if its VR cannot carry free text (numbers, codes, binary, AT) or it is on the reviewed
/// keep-list (Policy/keep-list.csv: tag, keyword and the reason for each entry); every other text, date and time
/// attribute is removed. Sequences are kept and their items cleaned. UIDs that name a class (SOP class,
/// transfer syntax) or a standard-defined value are kept; any other UID is replaced like a U action.
/// </summary>
internal static class RetentionRules
{
    private static readonly Lazy<TagSet> KeepList = new(LoadKeepList);

    /// <summary>UID attributes whose values are classes or standard definitions, never instances.</summary>
    private static readonly TagSet ClassUids = new(
    [
        DicomTags.SOPClassUID,
        DicomTags.ReferencedSOPClassUID,
        DicomTags.MediaStorageSOPClassUID,
        DicomTags.ReferencedSOPClassUIDInFile,
        DicomTags.TransferSyntaxUID,
        DicomTags.ReferencedTransferSyntaxUIDInFile,
        DicomTags.CodingSchemeUID,
        DicomTags.ContextUID,
        DicomTags.MappingResourceUID,
    ]);

    /// <summary>Unlisted text that IODs require to be non-empty when present (Type 1C): SR content item values.</summary>
    private static readonly TagSet DummyWhenPresent = new([DicomTags.TextValue]);

    public enum Disposition
    {
        Remove,
        Empty,
        Dummy,
        Keep,
        KeepAndScrub,
        KeepSequence,
        MapUid,
    }

    public static Disposition ForUnlisted(DicomTag tag, DicomVR vr, string? uidValue)
    {
        var dictionaryVR = vr == DicomVR.UN ? DicomDictionary.Find(tag)?.VR ?? DicomVR.UN : vr;
        switch (dictionaryVR)
        {
            case DicomVR.SQ:
                return Disposition.KeepSequence;
            case DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.UV or DicomVR.SV or DicomVR.FL or DicomVR.FD
                or DicomVR.DS or DicomVR.IS or DicomVR.AT or DicomVR.CS
                or DicomVR.OB or DicomVR.OW or DicomVR.OF or DicomVR.OD or DicomVR.OL or DicomVR.OV:
                return Disposition.Keep;
            case DicomVR.UI:
                if (ClassUids.Contains(tag) || (uidValue is not null && uidValue.StartsWith("1.2.840.10008.", StringComparison.Ordinal)))
                {
                    return Disposition.Keep;
                }

                return Disposition.MapUid;
            case DicomVR.UN:
                return Disposition.Remove; // not in the dictionary either: nothing says what it holds
            default:
                if (KeepList.Value.Contains(tag))
                {
                    return Disposition.KeepAndScrub;
                }

                // Text, dates and times the table does not list lose their content but keep their place, so that
                // Type 1 and 2 attributes of the IOD stay present: a dummy where content is mandatory, else empty.
                return DummyWhenPresent.Contains(tag) ? Disposition.Dummy : Disposition.Empty;
        }
    }

    public static IEnumerable<DicomTag> KeepListTags => KeepList.Value.Tags;

    private static TagSet LoadKeepList()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Telerad.Deidentification.Policy.keep-list.csv")
            ?? throw new InvalidOperationException("The keep-list is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var rows = CsvTable.Parse(reader.ReadToEnd());
        var tags = new DicomTag[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            // The tag is written beside the keyword, so de-identifying does not have to load the whole data
            // dictionary to look keywords up; a test checks that every keyword and tag agree with the dictionary.
            var (value, mask) = ConfidentialityProfileTable.ParsePattern(row["tag"]);
            if (mask != 0xFFFFFFFFu)
            {
                throw new InvalidDataException($"keep-list.csv lists '{row["tag"]}' for '{row["keyword"]}'; it must be one tag, not a pattern.");
            }

            var tag = new DicomTag(value);
            if (ConfidentialityProfileTable.Standard.Find(tag) is not null)
            {
                throw new InvalidDataException($"keep-list.csv names '{row["keyword"]}', which Table E.1-1 already decides.");
            }

            tags[i] = tag;
        }

        return new TagSet(tags);
    }
}
