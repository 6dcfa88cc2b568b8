using System.Text;

namespace Telerad.Deidentification;

/// <summary>
/// Clean Descriptors / Clean Structured Content (PS3.15 E.3.5, E.3.4): removes every occurrence of the
/// instance's own identifiers (every part of every person name in the data set, patient and other IDs,
/// accession, birth date in common written forms, institution and address) from free text that is kept.
/// Each occurrence becomes asterisks of the same length, so VR length limits still hold. Names are matched
/// as whole words when short (so "Lee" does not hit "sleep"), as substrings when longer.
/// </summary>
internal sealed class IdentifierScrubber
{
    private static readonly TagSet IdentifierTags = new(
    [
        DicomTags.PatientID, DicomTags.IssuerOfPatientID, DicomTags.AccessionNumber, DicomTags.StudyID, DicomTags.MedicalRecordLocator,
        DicomTags.OtherPatientIDs, DicomTags.InstitutionName, DicomTags.InstitutionAddress, DicomTags.InstitutionalDepartmentName,
        DicomTags.StationName, DicomTags.DeviceSerialNumber, DicomTags.PatientAddress, DicomTags.PatientTelephoneNumbers,
        DicomTags.RegionOfResidence, DicomTags.MilitaryRank, DicomTags.BranchOfService, DicomTags.PatientInsurancePlanCodeSequence,
        DicomTags.AdmissionID, DicomTags.ServiceEpisodeID, DicomTags.RequestedProcedureID, DicomTags.PerformedProcedureStepID,
        DicomTags.ScheduledProcedureStepID, DicomTags.FillerOrderNumberImagingServiceRequest, DicomTags.PlacerOrderNumberImagingServiceRequest,
        DicomTags.Occupation, DicomTags.PatientBirthName, DicomTags.PatientMotherBirthName, DicomTags.CountryOfResidence,
        DicomTags.PatientReligiousPreference, DicomTags.ResponsibleOrganization, DicomTags.IssuerOfAccessionNumberSequence,
        DicomTags.ReferringPhysicianAddress, DicomTags.ReferringPhysicianTelephoneNumbers, DicomTags.PersonAddress, DicomTags.PersonTelephoneNumbers,
        DicomTags.InstitutionalDepartmentName, DicomTags.DetectorID, DicomTags.GantryID, DicomTags.PerformedLocation, DicomTags.ScheduledStudyLocation,
        DicomTags.CurrentPatientLocation, DicomTags.PatientInstitutionResidence,
    ]);

    /// <summary>Words of addresses and institution names that are too common to scrub wherever they appear.</summary>
    private static readonly HashSet<string> CommonWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "street", "road", "lane", "avenue", "drive", "court", "place", "square", "suite", "floor", "building", "north", "south", "east", "west",
        "hospital", "clinic", "medical", "center", "centre", "university", "general", "regional", "national", "memorial", "health", "healthcare",
        "imaging", "radiology", "department", "institute", "foundation", "saint", "county", "city", "state", "with", "from", "this", "that",
        "patient", "unknown", "none", "other",
    };

    /// <summary>What to look for; whole-word entries must not touch a letter or digit on either side.</summary>
    private readonly (string Text, bool WholeWord)[] _targets;

    private IdentifierScrubber((string Text, bool WholeWord)[] targets)
    {
        _targets = targets;
        Count = targets.Length;
    }

    /// <summary>How many distinct identifier strings are searched for.</summary>
    public int Count { get; }

    /// <summary>Collects the identifiers of a data set (all depths) before anything is removed.</summary>
    public static IdentifierScrubber For(DicomDataset dataset)
    {
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var literals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Collect(dataset, words, literals);

        // No particular order: every target is matched against the original text (see Scrub), so the result is
        // the same whatever the order. Plain loops: this runs for every instance.
        var count = words.Count;
        foreach (var literal in literals)
        {
            count += literal.Length >= 2 ? 1 : 0;
        }

        var targets = new (string Text, bool WholeWord)[count];
        var next = 0;
        foreach (var literal in literals)
        {
            if (literal.Length >= 2)
            {
                targets[next++] = (literal, false);
            }
        }

        foreach (var word in words)
        {
            targets[next++] = (word, true);
        }

        return new IdentifierScrubber(targets);
    }

    /// <summary>Every depth of the data set; values over 4 KB are not identifiers (pixel data, LUTs, documents).</summary>
    private static void Collect(DicomDataset dataset, HashSet<string> words, HashSet<string> literals)
    {
        foreach (var item in dataset)
        {
            if (item is DicomSequence sequence)
            {
                foreach (var child in sequence.Items)
                {
                    Collect(child, words, literals);
                }

                continue;
            }

            if (item is not DicomElement element || element.Value.Length == 0 || element.Value.Length > 4096)
            {
                continue;
            }

            if (element.VR == DicomVR.PN)
            {
                foreach (var name in dataset.GetPersonNames(element.Tag))
                {
                    foreach (var part in name.NameParts)
                    {
                        AddName(part, words, literals);
                    }

                    foreach (var word in name.NameWords)
                    {
                        AddName(word, words, literals);
                    }
                }
            }
            else if (IdentifierTags.Contains(element.Tag) && DicomVRInfo.IsString(element.VR))
            {
                foreach (var value in dataset.GetStrings(element.Tag))
                {
                    AddLiteral(value, literals);
                }
            }
            else if (element.Tag == DicomTags.PatientBirthDate && DicomDate.TryParse(dataset.GetString(element.Tag), out var birth))
            {
                var d = birth.Value;
                foreach (var form in BirthDateForms)
                {
                    literals.Add(d.ToString(form, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static readonly string[] BirthDateForms =
        ["yyyyMMdd", "yyyy-MM-dd", "yyyy/MM/dd", "yyyy.MM.dd", "dd/MM/yyyy", "MM/dd/yyyy", "dd.MM.yyyy", "dd-MM-yyyy", "MM-dd-yyyy", "d MMM yyyy", "MMM d, yyyy"];

    /// <summary>The text with every identifier replaced by asterisks; <paramref name="changed"/> tells whether any was found.</summary>
    public string Scrub(string text, out bool changed)
    {
        changed = false;
        if (_targets.Length == 0 || text.Length == 0)
        {
            return text;
        }

        char[]? result = null;
        foreach (var (target, wholeWord) in _targets)
        {
            var from = 0;
            while (from <= text.Length - target.Length)
            {
                var at = text.IndexOf(target, from, StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    break;
                }

                var end = at + target.Length;
                if (!wholeWord || ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end]))))
                {
                    result ??= text.ToCharArray();
                    result.AsSpan(at, target.Length).Fill('*');
                }

                from = at + 1;
            }
        }

        changed = result is not null;
        return result is null ? text : new string(result);
    }

    private static void AddName(string part, HashSet<string> words, HashSet<string> literals)
    {
        var trimmed = part.Trim().Trim('.', ',');
        if (trimmed.Length < 2)
        {
            return;
        }

        // Short names only as whole words; longer ones anywhere (also glued to other words). Scripts written
        // without spaces between words (CJK, kana) have no word boundaries, so their names match anywhere.
        if (trimmed.Length < 4 && !trimmed.Any(IsUnspacedScript))
        {
            words.Add(trimmed);
        }
        else
        {
            literals.Add(trimmed);
        }
    }

    /// <summary>
    /// The whole value, its lines and comma-separated parts, and each distinctive word of 4 or more letters
    /// (an address's street name, an institution's town), so that a fragment quoted in free text is found too.
    /// </summary>
    private static bool IsUnspacedScript(char c) =>
        c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF66' and <= '\uFF9F');

    private static void AddLiteral(string value, HashSet<string> literals)
    {
        var trimmed = value.Trim();
        if (trimmed.Length < 2)
        {
            return;
        }

        literals.Add(trimmed);
        foreach (var part in trimmed.Split(['^', '\r', '\n', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Length >= 4)
            {
                literals.Add(part);
            }

            foreach (var word in part.Split([' ', '\t', '.', '-', '/', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.Length >= 4 && word.Any(char.IsLetter) && !CommonWords.Contains(word))
                {
                    literals.Add(word);
                }
            }
        }
    }

    /// <summary>For tests and logs: a count only, never the identifiers.</summary>
    public override string ToString() => new StringBuilder("IdentifierScrubber(").Append(Count).Append(')').ToString();
}
