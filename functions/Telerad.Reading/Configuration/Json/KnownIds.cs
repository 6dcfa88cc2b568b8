namespace Telerad.Reading.Configuration.Json;

/// <summary>
/// Ids defined by the documents read so far, for reference checks in the later ones. An id is recorded as soon as it
/// is seen, even when the rest of its item is invalid, so one broken item is reported once and not again by everyone
/// who refers to it. When a whole document is missing or unreadable, references into it are not checked.
/// </summary>
internal sealed class KnownIds
{
    public HashSet<string> Contacts { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Facilities { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Referrers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Subspecialties { get; } = new(StringComparer.Ordinal);

    public bool ContactsKnown { get; set; }

    public bool TenantsKnown { get; set; }

    public bool SubspecialtiesKnown { get; set; }
}

/// <summary>Reports ids given twice within one scope.</summary>
internal sealed class UniqueIds(string what)
{
    private readonly Dictionary<string, string> _firstPath = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="id"/> at <paramref name="location"/>; false (and reported) when it was seen before.</summary>
    public bool Add(string id, Location location, Problems problems)
    {
        if (_firstPath.TryGetValue(id, out var first))
        {
            problems.Add(location.Document, location.Path, ConfigurationErrorCodes.DuplicateId, $"{what} id '{id}' is already used at {first}");
            return false;
        }
        _firstPath[id] = location.Path;
        return true;
    }
}
