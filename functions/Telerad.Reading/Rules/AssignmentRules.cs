namespace Telerad.Reading.Rules;

/// <summary>
/// Data the assignment engine reads besides people: which subspecialties fit which modality and body part, and the
/// RVU estimate of a study. Defaults ship as <c>Rules/default-assignment-rules.json</c>; an operator replaces them
/// with <c>assignment-rules.json</c> in the configuration folder.
/// </summary>
public sealed record AssignmentRules(IReadOnlyList<Subspecialty> Subspecialties, RvuTable Rvus)
{
    /// <summary>The reserved subspecialty id of a general radiologist: reads studies no subspecialty claims, and others by fallback.</summary>
    public const string General = "general";

    public bool IsKnownSubspecialty(string id) =>
        string.Equals(id, General, StringComparison.Ordinal) || Subspecialties.Any(s => string.Equals(s.Id, id, StringComparison.Ordinal));

    /// <summary>The subspecialties whose rules match the study, in configuration order; empty = a general study.</summary>
    public IReadOnlyList<string> SubspecialtiesFor(string modality, string bodyPart)
    {
        var m = StudyCodes.Normalise(modality);
        var b = StudyCodes.Normalise(bodyPart);
        return [.. Subspecialties.Where(s => s.Matches.Any(r => r.Covers(m, b))).Select(s => s.Id)];
    }
}

/// <summary>A subspecialty (e.g. <c>neuro</c>) and the modality/body-part combinations it reads.</summary>
public sealed record Subspecialty(string Id, string DisplayName, IReadOnlyList<SubspecialtyMatch> Matches);

/// <summary>Any modality of <see cref="Modalities"/> with any body part of <see cref="BodyParts"/>; <c>*</c> matches everything.</summary>
public sealed record SubspecialtyMatch(IReadOnlyList<string> Modalities, IReadOnlyList<string> BodyParts)
{
    public bool Covers(string modality, string bodyPart) =>
        (Modalities.Contains(StudyCodes.Any, StringComparer.Ordinal) || Modalities.Contains(modality, StringComparer.Ordinal))
        && (BodyParts.Contains(StudyCodes.Any, StringComparer.Ordinal) || BodyParts.Contains(bodyPart, StringComparer.Ordinal));
}

/// <summary>Modality and body part codes as compared: DICOM Modality (0008,0060) and Body Part Examined (0018,0015) values, upper case.</summary>
public static class StudyCodes
{
    public const string Any = "*";

    public static string Normalise(string? code) => (code ?? string.Empty).Trim().ToUpperInvariant();
}

/// <summary>
/// Relative value unit estimate per modality and body part: the exact pair first, then the modality with body part
/// <c>*</c>, then <see cref="Default"/>. RVUs measure reading effort; the engine balances routine work by them.
/// </summary>
public sealed record RvuTable(decimal Default, IReadOnlyList<RvuEntry> Entries)
{
    public decimal Estimate(string modality, string bodyPart)
    {
        var m = StudyCodes.Normalise(modality);
        var b = StudyCodes.Normalise(bodyPart);
        var exact = Entries.FirstOrDefault(e => string.Equals(e.Modality, m, StringComparison.Ordinal) && string.Equals(e.BodyPart, b, StringComparison.Ordinal));
        if (exact is not null)
        {
            return exact.Rvu;
        }
        var anyPart = Entries.FirstOrDefault(e => string.Equals(e.Modality, m, StringComparison.Ordinal) && string.Equals(e.BodyPart, StudyCodes.Any, StringComparison.Ordinal));
        return anyPart?.Rvu ?? Default;
    }
}

public sealed record RvuEntry(string Modality, string BodyPart, decimal Rvu);
