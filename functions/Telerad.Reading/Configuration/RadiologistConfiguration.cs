using Telerad.Reading.Scheduling;

namespace Telerad.Reading.Configuration;

/// <summary>A reader: what they may read (licences, credentials, subspecialties), when, and how much at once. From <c>radiologists.json</c>.</summary>
public sealed record RadiologistConfiguration
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>US National Provider Identifier (10 digits with a valid check digit), if any.</summary>
    public string? Npi { get; init; }

    /// <summary>A local identifier (e.g. outside the US), if any. At least one of NPI and local id is given.</summary>
    public string? LocalId { get; init; }

    /// <summary>
    /// The radiologist's Entra ID object id (the <c>oid</c> claim): how the Azure API knows that a signed-in user is this
    /// radiologist. Locally the development identity header carries the radiologist id itself.
    /// </summary>
    public string? EntraObjectId { get; init; }

    /// <summary>Subspecialty ids (see the assignment rules), e.g. <c>neuro</c>, <c>general</c>.</summary>
    public required IReadOnlyList<string> Subspecialties { get; init; }

    /// <summary>Jurisdictions the radiologist holds a licence in, e.g. <c>US-NY</c>.</summary>
    public required IReadOnlyList<string> LicensedJurisdictions { get; init; }

    /// <summary>Facility ids the radiologist is credentialed (privileged) at.</summary>
    public required IReadOnlyList<string> CredentialedFacilities { get; init; }

    public required WeeklySchedule Schedule { get; init; }

    public required ReaderCapacity Capacity { get; init; }

    public required IReadOnlyList<ReaderConflict> Conflicts { get; init; }

    public bool HasSubspecialty(string id) => Subspecialties.Contains(id, StringComparer.Ordinal);
}

/// <summary>The most a radiologist carries at once: open (assigned or accepted, not yet reported) studies and their RVUs. Zero pauses the reader.</summary>
public sealed record ReaderCapacity(int MaxOpenStudies, decimal MaxOpenRvus);

/// <summary>What a conflict of interest or exclusion is about.</summary>
public enum ConflictKind
{
    /// <summary>Never read studies from this facility (e.g. employed by a competitor).</summary>
    Facility,

    /// <summary>Never read patients from this jurisdiction (e.g. a licence under review).</summary>
    PatientJurisdiction,

    /// <summary>Never read studies ordered by this referrer (e.g. a relative).</summary>
    Referrer,
}

/// <summary>A conflict: the radiologist must not read studies matching <see cref="Kind"/> = <see cref="Value"/>.</summary>
public sealed record ReaderConflict(ConflictKind Kind, string Value, string? Reason);
