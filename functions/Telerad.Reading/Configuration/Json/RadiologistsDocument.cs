using System.Globalization;
using System.Text.Json;
using Telerad.Reading.Scheduling;

namespace Telerad.Reading.Configuration.Json;

/// <summary><c>radiologists.json</c>: the readers.</summary>
internal static class RadiologistsDocument
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    public static IReadOnlyList<RadiologistConfiguration>? Read(JsonElement root, string document, Problems problems, KnownIds known)
    {
        var reader = ObjectReader.Open(root, new Location(document, "$"), problems);
        if (reader is null)
        {
            return null;
        }
        var unique = new UniqueIds("radiologist");
        var radiologists = reader.Array("radiologists", required: true, (element, location) => Radiologist(element, location, problems, known, unique));
        reader.Finish();
        return radiologists;
    }

    private static RadiologistConfiguration? Radiologist(JsonElement element, Location location, Problems problems, KnownIds known, UniqueIds unique)
    {
        var reader = ObjectReader.Open(element, location, problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            unique.Add(id, location.Property("id"), problems);
        }
        var displayName = reader.String("displayName", required: true);
        var npi = reader.String("npi", required: false);
        if (npi is not null && !Ids.IsNpi(npi))
        {
            reader.Report("npi", ConfigurationErrorCodes.InvalidIdentifier, $"'{npi}' is not an NPI: 10 digits with a valid check digit");
        }
        var localId = reader.String("localId", required: false);
        var entraObjectId = reader.String("entraObjectId", required: false);
        if (entraObjectId is not null && !Guid.TryParseExact(entraObjectId, "D", out _))
        {
            reader.Report("entraObjectId", ConfigurationErrorCodes.InvalidValue, "'entraObjectId' must be the Entra ID object id, a GUID like 00000000-0000-0000-0000-000000000000");
        }
        // Only when both are absent: a present but invalid one was reported above.
        if (reader.Property("npi", required: false) is null && reader.Property("localId", required: false) is null)
        {
            reader.Report("npi", ConfigurationErrorCodes.MissingField, "a radiologist needs an 'npi' or a 'localId'");
        }

        var subspecialties = reader.Strings("subspecialties", required: true, s => !known.SubspecialtiesKnown || known.Subspecialties.Contains(s)
            ? null
            : (ConfigurationErrorCodes.UnknownReference, $"subspecialty '{s}' is not defined (known: {string.Join(", ", known.Subspecialties.Order(StringComparer.Ordinal))})"),
            "a radiologist needs at least one subspecialty ('general' for a general radiologist)");
        var licences = reader.Strings("licensedJurisdictions", required: true, Ids.CheckJurisdiction);
        var facilities = reader.Strings("credentialedFacilities", required: true, f => !known.TenantsKnown || known.Facilities.Contains(f)
            ? null
            : (ConfigurationErrorCodes.UnknownReference, $"facility '{f}' is not a facility of tenants.json"));

        var zoneName = reader.String("timeZone", required: true);
        TimeZoneInfo? zone = null;
        if (zoneName is not null)
        {
            zone = Ids.FindIanaTimeZone(zoneName);
            if (zone is null)
            {
                reader.Report("timeZone", ConfigurationErrorCodes.UnknownTimeZone, $"'{zoneName}' is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)");
            }
        }
        var shifts = Shifts(reader);
        var capacity = reader.Object("capacity", required: true) is { } c ? Capacity(c) : null;
        var conflicts = reader.Array("conflicts", required: false, (e, l) => Conflict(e, l, problems, known)) ?? [];
        reader.Finish();

        if (id is null || displayName is null || subspecialties is null || licences is null || facilities is null || zone is null || shifts is null || capacity is null)
        {
            return null;
        }
        return new RadiologistConfiguration
        {
            Id = id,
            DisplayName = displayName,
            Npi = npi,
            LocalId = localId,
            EntraObjectId = entraObjectId,
            Subspecialties = subspecialties,
            LicensedJurisdictions = licences,
            CredentialedFacilities = facilities,
            Schedule = new WeeklySchedule(zone, shifts),
            Capacity = capacity,
            Conflicts = conflicts,
        };
    }

    /// <summary>Each entry of "shifts" names days and one start/end; it becomes one <see cref="WeeklyShift"/> per day.</summary>
    private static List<WeeklyShift>? Shifts(ObjectReader reader)
    {
        var problems = reader.Problems;
        var all = new List<(WeeklyShift Shift, Location Where)>();
        var groups = reader.Array("shifts", required: true, (element, location) =>
        {
            var entry = ObjectReader.Open(element, location, problems);
            if (entry is null)
            {
                return null;
            }
            var days = entry.Strings("days", required: true, d => DayNames.Contains(d, StringComparer.Ordinal)
                ? null
                : (ConfigurationErrorCodes.InvalidValue, $"'{d}' is not a day ({string.Join(", ", DayNames)})"),
                "a shift needs at least one day");
            var start = TimeOfDay(entry, "start", allowEndOfDay: false);
            var end = TimeOfDay(entry, "end", allowEndOfDay: true);
            entry.Finish();
            if (days is null || start is null || end is null)
            {
                return null;
            }
            if (start == end)
            {
                entry.Report("end", ConfigurationErrorCodes.InvalidShift, "a shift's start and end must differ (00:00-24:00 is a whole day)");
                return null;
            }
            var shifts = days.Distinct(StringComparer.Ordinal)
                .Select(d => new WeeklyShift((DayOfWeek)Array.IndexOf(DayNames, d), start.Value, end.Value))
                .ToList();
            all.AddRange(shifts.Select(s => (s, location)));
            return shifts;
        });
        if (groups is null)
        {
            return null;
        }
        var flat = all.Select(a => a.Shift).ToList();
        foreach (var (first, second) in WeeklySchedule.Overlaps(flat))
        {
            var where = all[second].Where;
            problems.Add(where.Document, where.Path, ConfigurationErrorCodes.OverlappingShifts,
                $"shift {flat[second]} overlaps shift {flat[first]} (at {all[first].Where.Path}); wall-clock times in the radiologist's time zone");
        }
        return flat;
    }

    private static TimeSpan? TimeOfDay(ObjectReader reader, string name, bool allowEndOfDay)
    {
        var text = reader.String(name, required: true);
        if (text is null)
        {
            return null;
        }
        if (allowEndOfDay && text == "24:00")
        {
            return TimeSpan.FromDays(1);
        }
        if (text.Length == 5 && TimeSpan.TryParseExact(text, "hh\\:mm", CultureInfo.InvariantCulture, out var time) && time < TimeSpan.FromDays(1))
        {
            if (allowEndOfDay && time == TimeSpan.Zero)
            {
                return TimeSpan.FromDays(1);
            }
            return time;
        }
        reader.Report(name, ConfigurationErrorCodes.InvalidShift, $"'{text}' is not a time of day HH:MM (00:00-23:59{(allowEndOfDay ? ", or 24:00" : string.Empty)})");
        return null;
    }

    private static ReaderCapacity? Capacity(ObjectReader reader)
    {
        var studies = reader.Count("maxOpenStudies", required: true);
        var rvus = reader.Amount("maxOpenRvus", required: true);
        reader.Finish();
        return studies is null || rvus is null ? null : new ReaderCapacity(studies.Value, rvus.Value);
    }

    private static ReaderConflict? Conflict(JsonElement element, Location location, Problems problems, KnownIds known)
    {
        var reader = ObjectReader.Open(element, location, problems);
        if (reader is null)
        {
            return null;
        }
        var kindText = reader.String("kind", required: true);
        ConflictKind? kind = kindText switch
        {
            null => null,
            "facility" => ConflictKind.Facility,
            "patientJurisdiction" => ConflictKind.PatientJurisdiction,
            "referrer" => ConflictKind.Referrer,
            _ => null,
        };
        if (kindText is not null && kind is null)
        {
            reader.Report("kind", ConfigurationErrorCodes.InvalidValue, $"'{kindText}' is not a conflict kind (facility, patientJurisdiction, referrer)");
        }
        var value = kind == ConflictKind.PatientJurisdiction ? TenantsDocument.Jurisdiction(reader, "value") : reader.Id("value");
        if (value is not null && kind == ConflictKind.Facility && known.TenantsKnown && !known.Facilities.Contains(value))
        {
            reader.Report("value", ConfigurationErrorCodes.UnknownReference, $"facility '{value}' is not a facility of tenants.json");
            value = null;
        }
        if (value is not null && kind == ConflictKind.Referrer && known.TenantsKnown && !known.Referrers.Contains(value))
        {
            reader.Report("value", ConfigurationErrorCodes.UnknownReference, $"referrer '{value}' is not a referrer of tenants.json");
            value = null;
        }
        var reason = reader.String("reason", required: false);
        reader.Finish();
        return kind is null || value is null ? null : new ReaderConflict(kind.Value, value, reason);
    }
}
