using System.Text;
using Telerad.Reading.Configuration;

namespace Telerad.Workflow.Tests;

/// <summary>
/// A small reading configuration for the workflow tests, written as the JSON documents operators write (so the real
/// loader validates it): one tenant with two facilities, three radiologists on shift around the clock, one operations
/// contact. Times are compressed to seconds.
/// </summary>
internal static class ReadingTestConfiguration
{
    public const string Tenant = "hospital-a";
    public const string MainFacility = "fac-main";
    public const string OrphanFacility = "fac-nobody";
    public const string Neuro = "rad-neuro";
    public const string Neuro2 = "rad-neuro2";
    public const string General = "rad-general";
    public const string Operations = "ops-desk";

    private const string AllWeek = """[{ "days": ["Mon","Tue","Wed","Thu","Fri","Sat","Sun"], "start": "00:00", "end": "24:00" }]""";

    public static InMemoryReadingConfigurationStore Store(string reminder = "PT30S", string stat = "PT2M", string routine = "PT10M") => new(new Dictionary<string, byte[]>
    {
        [ReadingConfigurationLoader.OperationsDocument] = Encoding.UTF8.GetBytes($$"""
            { "contacts": [ { "id": "{{Operations}}", "displayName": "Desk", "role": "operations-desk", "channel": "pager", "address": "desk" } ],
              "alertContacts": ["{{Operations}}"] }
            """),
        [ReadingConfigurationLoader.TenantsDocument] = Encoding.UTF8.GetBytes($$"""
            { "tenants": [ {
                "id": "{{Tenant}}", "displayName": "Hospital A",
                "turnaroundTargets": { "STAT": "{{stat}}", "URGENT": "PT5M", "ROUTINE": "{{routine}}" },
                "reminders": { "interval": "{{reminder}}", "maxSilentReminders": 1 },
                "slaWarningFraction": 0.5,
                "allowGeneralFallback": true,
                "escalationChains": [ { "id": "sla", "steps": [ { "contact": "{{Operations}}" } ] } ],
                "slaEscalationChain": "sla",
                "facilities": [
                  { "id": "{{MainFacility}}", "displayName": "Main", "jurisdiction": "US-NY" },
                  { "id": "{{OrphanFacility}}", "displayName": "Nobody credentialed here", "jurisdiction": "US-NY" } ],
                "referrers": [ { "id": "ref-ed", "displayName": "ED", "fhirEndpointId": "ehr",
                  "criticalResultContacts": [ { "id": "ed-attending", "displayName": "ED attending", "channel": "phone", "address": "+1-555-0110" } ] } ]
            } ] }
            """),
        [ReadingConfigurationLoader.RadiologistsDocument] = Encoding.UTF8.GetBytes($$"""
            { "radiologists": [
              { "id": "{{Neuro}}", "displayName": "Neuro One", "npi": "1234567893", "subspecialties": ["neuro"], "licensedJurisdictions": ["US-NY"],
                "credentialedFacilities": ["{{MainFacility}}"], "timeZone": "UTC", "shifts": {{AllWeek}}, "capacity": { "maxOpenStudies": 5, "maxOpenRvus": 20 } },
              { "id": "{{Neuro2}}", "displayName": "Neuro Two", "localId": "N2", "subspecialties": ["neuro"], "licensedJurisdictions": ["US-NY"],
                "credentialedFacilities": ["{{MainFacility}}"], "timeZone": "UTC", "shifts": {{AllWeek}}, "capacity": { "maxOpenStudies": 5, "maxOpenRvus": 20 } },
              { "id": "{{General}}", "displayName": "General", "localId": "G1", "entraObjectId": "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5", "subspecialties": ["general"], "licensedJurisdictions": ["US-NY"],
                "credentialedFacilities": ["{{MainFacility}}"], "timeZone": "UTC", "shifts": {{AllWeek}}, "capacity": { "maxOpenStudies": 5, "maxOpenRvus": 20 } }
            ] }
            """),
    });
}
