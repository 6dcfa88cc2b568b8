using System.Text;
using System.Text.Json.Nodes;
using Telerad.Reading.Configuration;

namespace Telerad.Reading.Tests.Infrastructure;

/// <summary>
/// A small valid configuration as editable JSON documents: tests change one field and load. Tenant <c>t1</c> has
/// facilities <c>f-ny</c> (US-NY) and <c>f-nj</c> (US-NJ) and referrer <c>ref-1</c>; tenant <c>t2</c> has <c>f-tx</c>
/// (US-TX). Radiologists are added per test (none by default).
/// </summary>
internal sealed class ConfigDocuments
{
    public JsonObject Operations { get; } = Parse("""
        {
          "contacts": [
            { "id": "ops", "displayName": "Operations desk", "role": "operations-desk", "channel": "pager", "address": "ops-1" },
            { "id": "lead", "displayName": "Lead radiologist", "role": "lead-radiologist", "channel": "sms", "address": "+1-555-0001" }
          ],
          "alertContacts": ["ops"]
        }
        """);

    public JsonObject Tenants { get; } = Parse("""
        {
          "tenants": [
            {
              "id": "t1",
              "displayName": "Tenant one",
              "turnaroundTargets": { "STAT": "PT1H", "URGENT": "PT4H", "ROUTINE": "PT24H" },
              "allowGeneralFallback": true,
              "escalationChains": [ { "id": "sla", "steps": [ { "contact": "ops" }, { "contact": "lead", "after": "PT15M" } ] } ],
              "slaEscalationChain": "sla",
              "facilities": [
                { "id": "f-ny", "displayName": "New York site", "jurisdiction": "US-NY" },
                { "id": "f-nj", "displayName": "New Jersey site", "jurisdiction": "US-NJ" }
              ],
              "referrers": [
                {
                  "id": "ref-1",
                  "displayName": "Emergency department",
                  "fhirEndpointId": "ehr-1",
                  "criticalResultContacts": [ { "id": "ed", "displayName": "ED attending", "channel": "phone", "address": "+1-555-0002" } ],
                  "criticalResultEscalationChain": "sla"
                }
              ]
            },
            {
              "id": "t2",
              "displayName": "Tenant two",
              "turnaroundTargets": { "STAT": "PT1H", "URGENT": "PT8H", "ROUTINE": "P2D" },
              "escalationChains": [ { "id": "sla", "steps": [ { "contact": "ops" } ] } ],
              "slaEscalationChain": "sla",
              "facilities": [ { "id": "f-tx", "displayName": "Texas site", "jurisdiction": "US-TX" } ]
            }
          ]
        }
        """);

    public JsonObject Radiologists { get; } = Parse("""{ "radiologists": [] }""");

    /// <summary>assignment-rules.json, absent unless a test sets it.</summary>
    public JsonObject? Rules { get; set; }

    /// <summary>Extra raw documents (e.g. invalid JSON) by name; they replace the JSON objects above.</summary>
    public Dictionary<string, byte[]?> Raw { get; } = new(StringComparer.Ordinal);

    public JsonObject Tenant(int index = 0) => (JsonObject)Tenants["tenants"]![index]!;

    public JsonArray RadiologistList => (JsonArray)Radiologists["radiologists"]!;

    public JsonObject Radiologist(int index) => (JsonObject)RadiologistList[index]!;

    /// <summary>
    /// Adds a radiologist who reads everything general in t1's New York site around the clock (UTC, every day,
    /// 00:00-24:00), capacity 10 studies / 100 RVUs; <paramref name="edit"/> changes what the test is about.
    /// </summary>
    public JsonObject AddRadiologist(string id, Action<JsonObject>? edit = null)
    {
        var r = Parse($$"""
            {
              "id": "{{id}}",
              "displayName": "Dr. {{id}}",
              "localId": "L-{{id}}",
              "subspecialties": ["general"],
              "licensedJurisdictions": ["US-NY"],
              "credentialedFacilities": ["f-ny"],
              "timeZone": "UTC",
              "shifts": [ { "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "start": "00:00", "end": "24:00" } ],
              "capacity": { "maxOpenStudies": 10, "maxOpenRvus": 100 }
            }
            """);
        edit?.Invoke(r);
        RadiologistList.Add(r);
        return r;
    }

    public IReadingConfigurationStore Store()
    {
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [ReadingConfigurationLoader.OperationsDocument] = Bytes(Operations),
            [ReadingConfigurationLoader.TenantsDocument] = Bytes(Tenants),
            [ReadingConfigurationLoader.RadiologistsDocument] = Bytes(Radiologists),
        };
        if (Rules is not null)
        {
            documents[ReadingConfigurationLoader.RulesDocument] = Bytes(Rules);
        }
        foreach (var (name, bytes) in Raw)
        {
            if (bytes is null)
            {
                documents.Remove(name);
            }
            else
            {
                documents[name] = bytes;
            }
        }
        return new InMemoryReadingConfigurationStore(documents);
    }

    public ConfigurationLoadResult TryLoad() => ReadingConfigurationLoader.TryLoadAsync(Store()).GetAwaiter().GetResult();

    /// <summary>Loads and fails the test with every problem listed when the configuration is invalid.</summary>
    public ReadingConfiguration Load()
    {
        var result = TryLoad();
        Assert.True(result.Succeeded, "configuration should load: " + string.Join(Environment.NewLine, result.Errors));
        return result.Configuration!;
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static byte[] Bytes(JsonObject o) => Encoding.UTF8.GetBytes(o.ToJsonString());
}
