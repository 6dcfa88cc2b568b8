using System.Globalization;
using System.Text.Json.Nodes;
using Telerad.Reading.Assignment;
using Telerad.Reading.Configuration;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Assignment;

/// <summary>
/// Random configurations, loads, studies and instants (fixed seeds) checked against an independent re-statement of
/// the rules written from the issue, not from the engine: the engine's eligible set is the oracle's, every excluded
/// radiologist has exactly the oracle's reasons, and the chosen reader is the oracle's best by the ranking rule.
/// </summary>
public sealed class AssignmentPropertyTests
{
    // The test's own subspecialty mapping and RVU table (given to the loader as assignment-rules.json).
    private static readonly Dictionary<(string Modality, string BodyPart), string> Mapping = new()
    {
        [("CT", "HEAD")] = "neuro",
        [("MR", "HEAD")] = "neuro",
        [("CT", "SPINE")] = "neuro",
        [("MR", "SPINE")] = "neuro",
        [("CR", "CHEST")] = "chest",
        [("CT", "CHEST")] = "chest",
    };

    private static decimal TableRvu(string modality, string bodyPart) =>
        (modality, bodyPart) switch
        {
            ("MR", "HEAD") => 2.0m,
            ("CT", _) => 1.5m,
            _ => 1.0m,
        };

    private const string RulesJson = """
        {
          "subspecialties": [
            { "id": "neuro", "displayName": "Neuro", "matches": [ { "modalities": ["CT", "MR"], "bodyParts": ["HEAD", "SPINE"] } ] },
            { "id": "chest", "displayName": "Chest", "matches": [ { "modalities": ["CR", "CT"], "bodyParts": ["CHEST"] } ] }
          ],
          "rvu": { "default": 1.0, "table": [ { "modality": "CT", "bodyPart": "*", "rvu": 1.5 }, { "modality": "MR", "bodyPart": "HEAD", "rvu": 2.0 } ] }
        }
        """;

    private static readonly string[] Zones = ["UTC", "America/New_York", "Europe/Stockholm", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney"];
    private static readonly string[] Jurisdictions = ["US-NY", "US-NJ", "US-TX"];
    private static readonly string[] Facilities = ["f-ny", "f-nj", "f-tx"];
    private static readonly string[] Subspecialties = ["general", "neuro", "chest"];
    private static readonly string[] Ids = ["r-a", "r-b", "r-c", "r-d", "r-e", "r-f", "r-A", "r-B", "r10", "r9"];
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    /// <summary>What the generator decided about one radiologist, kept apart from the loaded configuration.</summary>
    private sealed record Reader(
        string Id,
        HashSet<string> Subs,
        HashSet<string> Licences,
        HashSet<string> Credentials,
        string Zone,
        List<(int Day, int StartMinute, int LengthMinutes)> Shifts,
        int MaxStudies,
        decimal MaxRvus,
        List<(string Kind, string Value)> Conflicts);

    [Theory]
    [InlineData(20261)]
    [InlineData(20262)]
    [InlineData(20263)]
    [InlineData(20264)]
    public void The_engine_agrees_with_an_independent_oracle(int seed)
    {
        var random = new Random(seed);
        var assigned = 0;
        var nobody = 0;
        var fallback = 0;
        for (var round = 0; round < 100; round++)
        {
            var (docs, readers, fallbackAllowed) = RandomConfiguration(random);
            var config = docs.Load();
            for (var s = 0; s < 12; s++)
            {
                var study = RandomStudy(random, readers);
                var loads = readers.Where(_ => random.Next(4) > 0)
                    .ToDictionary(r => r.Id, _ => new RadiologistLoad(random.Next(5), random.Next(21) / 2m));
                var instant = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(365 * 24 * 60));

                var decision = AssignmentEngine.Assign(study, config, loads, instant);
                var expected = Oracle(study, readers, loads, instant, study.TenantId == "t1" && fallbackAllowed);
                var context = $"seed {seed} round {round} study {s} at {instant:O}";

                foreach (var reader in readers)
                {
                    var candidate = decision.Candidate(reader.Id);
                    Assert.True(candidate is not null, context + ": " + reader.Id + " not considered");
                    Assert.True(
                        expected[reader.Id].SetEquals(candidate!.Exclusions.Select(e => e.Code)),
                        $"{context}: {reader.Id} expected [{string.Join(", ", expected[reader.Id].Order())}] got [{string.Join(", ", candidate.Exclusions.Select(e => e.Code))}]");
                }
                Assert.Equal(readers.Count, decision.Candidates.Count);

                var eligible = readers.Where(r => expected[r.Id].Count == 0).ToList();
                if (eligible.Count == 0)
                {
                    Assert.Equal(AssignmentOutcome.NoEligibleReader, decision.Outcome);
                    Assert.Null(decision.ChosenRadiologistId);
                    nobody++;
                    continue;
                }
                assigned++;
                Assert.Equal(AssignmentOutcome.Assigned, decision.Outcome);
                // No eligible reader ranks above the chosen one.
                var best = eligible
                    .Select(r => (r.Id, Load: loads.GetValueOrDefault(r.Id)))
                    .OrderBy(x => study.Priority == ReadingPriority.Stat ? x.Load.OpenStudies : x.Load.OpenRvus)
                    .ThenBy(x => study.Priority == ReadingPriority.Stat ? x.Load.OpenRvus : x.Load.OpenStudies)
                    .ThenBy(x => x.Id, StringComparer.Ordinal)
                    .First();
                Assert.True(best.Id == decision.ChosenRadiologistId, $"{context}: expected {best.Id}, chose {decision.ChosenRadiologistId}");
                var ranks = decision.Candidates.Where(c => c.Eligible).Select(c => c.Rank!.Value).ToList();
                Assert.Equal(Enumerable.Range(1, eligible.Count), ranks);
                if (decision.GeneralFallbackUsed)
                {
                    fallback++;
                }
            }
        }
        // The generator must exercise both outcomes and the fallback, or the property says little.
        Assert.True(assigned > 100 && nobody > 100 && fallback >= 3, $"assigned {assigned}, nobody {nobody}, fallback {fallback}");
    }

    private static Dictionary<string, HashSet<string>> Oracle(
        StudyForAssignment study,
        List<Reader> readers,
        Dictionary<string, RadiologistLoad> loads,
        DateTimeOffset instant,
        bool fallbackAllowed)
    {
        var jurisdiction = study.PatientJurisdiction ?? Jurisdictions[System.Array.IndexOf(Facilities, study.FacilityId)];
        var needed = Mapping.GetValueOrDefault((study.Modality, study.BodyPart)) ?? "general";
        var rvu = study.RvuEstimate ?? TableRvu(study.Modality, study.BodyPart);
        var reasons = new Dictionary<string, HashSet<string>>();
        foreach (var r in readers)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            var load = loads.GetValueOrDefault(r.Id);
            if (!r.Licences.Contains(jurisdiction)) set.Add(AssignmentReasonCodes.NotLicensed);
            if (!r.Credentials.Contains(study.FacilityId)) set.Add(AssignmentReasonCodes.NotCredentialed);
            if (!OnShift(r, instant)) set.Add(AssignmentReasonCodes.OffShift);
            if (r.Conflicts.Contains(("facility", study.FacilityId))) set.Add(AssignmentReasonCodes.ConflictFacility);
            if (r.Conflicts.Contains(("patientJurisdiction", jurisdiction))) set.Add(AssignmentReasonCodes.ConflictPatientJurisdiction);
            if (study.ReferrerId is not null && r.Conflicts.Contains(("referrer", study.ReferrerId!))) set.Add(AssignmentReasonCodes.ConflictReferrer);
            if (load.OpenStudies >= r.MaxStudies) set.Add(AssignmentReasonCodes.AtStudyCapacity);
            var idleWithBudget = load.OpenStudies == 0 && r.MaxRvus > 0;
            if (!idleWithBudget && load.OpenRvus + rvu > r.MaxRvus) set.Add(AssignmentReasonCodes.AtRvuCapacity);
            if (study.ExcludedRadiologistIds.Contains(r.Id)) set.Add(AssignmentReasonCodes.ExcludedForStudy);
            reasons[r.Id] = set;
        }
        // Subspecialty: a subspecialist of the needed kind (or a general reader for a general study) fits; a general
        // reader of a subspecialty study only when no fitting subspecialist is otherwise eligible and fallback is allowed.
        bool Fits(Reader r) => r.Subs.Contains(needed);
        var subspecialistEligible = readers.Any(r => Fits(r) && reasons[r.Id].Count == 0);
        foreach (var r in readers.Where(r => !Fits(r)))
        {
            if (needed == "general" || !r.Subs.Contains("general"))
            {
                reasons[r.Id].Add(AssignmentReasonCodes.SubspecialtyMismatch);
            }
            else if (subspecialistEligible)
            {
                reasons[r.Id].Add(AssignmentReasonCodes.SubspecialistAvailable);
            }
            else if (!fallbackAllowed)
            {
                reasons[r.Id].Add(AssignmentReasonCodes.GeneralFallbackNotAllowed);
            }
        }
        return reasons;
    }

    /// <summary>
    /// On shift when the radiologist's local wall-clock time lies in [start, start + length) of a shift that began on
    /// the local date or the day before, with start and end as local date-times (not weekday arithmetic).
    /// </summary>
    private static bool OnShift(Reader r, DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTimeBySystemTimeZoneId(instant, r.Zone).DateTime;
        foreach (var startDate in new[] { local.Date, local.Date.AddDays(-1) })
        {
            foreach (var (day, start, length) in r.Shifts)
            {
                if ((int)startDate.DayOfWeek != day)
                {
                    continue;
                }
                var from = startDate.AddMinutes(start);
                var to = from.AddMinutes(length);
                if (local >= from && local < to)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static (ConfigDocuments Docs, List<Reader> Readers, bool FallbackAllowed) RandomConfiguration(Random random)
    {
        var docs = new ConfigDocuments { Rules = ConfigDocuments.Parse(RulesJson) };
        var fallbackAllowed = random.Next(3) > 0;
        docs.Tenant()["allowGeneralFallback"] = fallbackAllowed;
        docs.Tenant(1)["referrers"] = new JsonArray(new JsonObject
        {
            ["id"] = "ref-2",
            ["displayName"] = "Texas clinic",
            ["fhirEndpointId"] = "ehr-2",
            ["criticalResultContacts"] = new JsonArray(new JsonObject { ["id"] = "c", ["displayName"] = "c", ["channel"] = "email", ["address"] = "c@example.org" }),
        });
        var readers = new List<Reader>();
        foreach (var id in Ids.OrderBy(_ => random.Next()).Take(1 + random.Next(Ids.Length)))
        {
            var reader = new Reader(
                id,
                Subset(random, Subspecialties, atLeastOne: true),
                Subset(random, Jurisdictions, atLeastOne: false),
                Subset(random, Facilities, atLeastOne: false),
                Zones[random.Next(Zones.Length)],
                Shifts(random),
                random.Next(8),
                new[] { 0m, 1m, 2.5m, 5m, 10m, 20m }[random.Next(6)],
                Conflicts(random));
            readers.Add(reader);
            docs.AddRadiologist(id, r =>
            {
                r["subspecialties"] = JsonList(reader.Subs);
                r["licensedJurisdictions"] = JsonList(reader.Licences);
                r["credentialedFacilities"] = JsonList(reader.Credentials);
                r["timeZone"] = reader.Zone;
                r["shifts"] = new JsonArray([.. reader.Shifts.Select(s => (JsonNode)new JsonObject
                {
                    ["days"] = new JsonArray(DayNames[s.Day]),
                    ["start"] = Clock(s.StartMinute),
                    ["end"] = Clock((s.StartMinute + s.LengthMinutes) % 1440),
                })]);
                r["capacity"] = new JsonObject { ["maxOpenStudies"] = reader.MaxStudies, ["maxOpenRvus"] = reader.MaxRvus };
                r["conflicts"] = new JsonArray([.. reader.Conflicts.Select(c => (JsonNode)new JsonObject { ["kind"] = c.Kind, ["value"] = c.Value })]);
            });
        }
        return (docs, readers, fallbackAllowed);
    }

    /// <summary>
    /// Per day: nothing, a day shift inside 08:00-20:00, a night shift starting 20:00-23:45 and ending by 08:00 the
    /// next day, or both (never overlapping, so the document is valid).
    /// </summary>
    private static List<(int Day, int StartMinute, int LengthMinutes)> Shifts(Random random)
    {
        var shifts = new List<(int, int, int)>();
        for (var day = 0; day < 7; day++)
        {
            var kind = random.Next(6);
            if (kind is 1 or 2 or 4 or 5)
            {
                var start = (8 * 60) + (15 * random.Next(28)); // 08:00-14:45
                shifts.Add((day, start, 15 * (1 + random.Next(((20 * 60) - start) / 15))));
            }
            if (kind is 3 or 4 or 5)
            {
                var night = (20 * 60) + (15 * random.Next(16)); // 20:00-23:45
                var end = 15 * (1 + random.Next(32)); // 00:15-08:00 next day
                shifts.Add((day, night, 1440 - night + end));
            }
        }
        return shifts;
    }

    private static List<(string, string)> Conflicts(Random random)
    {
        var all = new List<(string, string)>
        {
            ("facility", Facilities[random.Next(3)]),
            ("patientJurisdiction", Jurisdictions[random.Next(3)]),
            ("referrer", random.Next(2) == 0 ? "ref-1" : "ref-2"),
        };
        return [.. all.Where(_ => random.Next(8) == 0)];
    }

    private static StudyForAssignment RandomStudy(Random random, List<Reader> readers)
    {
        var facility = Facilities[random.Next(3)];
        string[] modalities = ["CT", "MR", "CR", "US"];
        string[] bodyParts = ["HEAD", "SPINE", "CHEST", "KNEE"];
        return new StudyForAssignment
        {
            StudyId = "s",
            TenantId = facility == "f-tx" ? "t2" : "t1",
            FacilityId = facility,
            PatientJurisdiction = random.Next(4) == 0 ? Jurisdictions[random.Next(3)] : null,
            Modality = modalities[random.Next(4)],
            BodyPart = bodyParts[random.Next(4)],
            Priority = (ReadingPriority)random.Next(3),
            RvuEstimate = random.Next(3) == 0 ? random.Next(0, 13) / 4m : null,
            ReferrerId = random.Next(3) switch { 0 => null, 1 => "ref-1", _ => "ref-2" },
            ExcludedRadiologistIds = [.. readers.Where(_ => random.Next(10) == 0).Select(r => r.Id)],
        };
    }

    private static HashSet<string> Subset(Random random, string[] values, bool atLeastOne)
    {
        var set = values.Where(_ => random.Next(5) > 0).ToHashSet(StringComparer.Ordinal);
        if (atLeastOne && set.Count == 0)
        {
            set.Add(values[random.Next(values.Length)]);
        }
        return set;
    }

    private static JsonArray JsonList(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private static string Clock(int minutes) =>
        minutes == 0 ? "24:00" : (minutes / 60).ToString("00", CultureInfo.InvariantCulture) + ":" + (minutes % 60).ToString("00", CultureInfo.InvariantCulture);
}
