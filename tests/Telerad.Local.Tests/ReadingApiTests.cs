using System.Net;
using System.Text.Json;

namespace Telerad.Local.Tests;

/// <summary>
/// The reading workflow on the persistent local engine, after the fixture's upload: every study entered reading with
/// the demo configuration (seeded into the data folder), the bleed is STAT and first, and a radiologist accepts with
/// the link from the outbox and reports over HTTP (the development identity header names the radiologist).
/// </summary>
public sealed class ReadingApiTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private const string Neuro = "rad-demo-neuro";
    private const string General = "rad-demo-general";
    private const string Operations = "ops-demo";

    [Fact]
    public async Task Every_study_is_read_the_bleed_first_and_a_radiologist_accepts_by_link_and_reports()
    {
        using var ops = new LocalApi(fixture.Runtime.ApiAddress, Operations);
        var items = await WaitForWorklistAsync(ops, fixture.Site.Truth.Count);
        var first = items[0];
        Assert.Equal(("STAT", "ai-critical-upgrade", true), (first.GetProperty("priority").GetString(), first.GetProperty("priorityReason").GetString(), first.GetProperty("aiFlagged").GetBoolean()));
        Assert.All(items.Skip(1), i => Assert.NotEqual("STAT", i.GetProperty("priority").GetString()));
        var bleed = first.GetProperty("studyKey").GetString()!;

        // The offer is in the outbox (the local Service Bus stand-in) with its signed links.
        var offer = await WaitForOfferAsync(ops, bleed);
        Assert.Equal(Neuro, offer.GetProperty("radiologistId").GetString());
        var accept = offer.GetProperty("links").GetProperty("accept").GetString()!;
        var path = new Uri(accept).PathAndQuery.TrimStart('/');

        // Another radiologist cannot use it; the assigned one can.
        using (var other = new LocalApi(fixture.Runtime.ApiAddress, General))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync(path)).Status);
        }

        using var neuro = new LocalApi(fixture.Runtime.ApiAddress, Neuro);
        var accepted = await neuro.PostAsync(path);
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.Body);
        await WaitForStatusAsync(neuro, bleed, "accepted");

        var report = await neuro.PostAsync($"api/reading/studies/{TestSite.Tenant}/{bleed}/reports",
            new { kind = "final", findings = "Hyperdense focus, right frontal lobe.", impression = "Acute intraparenchymal haemorrhage." });
        Assert.True(report.Status == HttpStatusCode.Accepted, report.Body);
        var status = await WaitForStatusAsync(neuro, bleed, "reported");
        var actions = status.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("reading.assigned", actions);
        Assert.Contains("api.accept", actions);
        Assert.Contains("reading.report", actions);
    }

    private static async Task<List<JsonElement>> WaitForWorklistAsync(LocalApi api, int studies)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (code, body) = await api.GetAsync("api/reading/worklist");
            Assert.Equal(HttpStatusCode.OK, code);
            var items = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            if (items.Count >= studies && items.All(i => i.GetProperty("status").GetString() == "offered"))
            {
                return items;
            }

            Assert.True(DateTime.UtcNow < deadline, "worklist: " + body);
            await Task.Delay(250);
        }
    }

    private static async Task<JsonElement> WaitForOfferAsync(LocalApi api, string study)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, body) = await api.GetAsync("api/notifications?topic=radiologist-notifications");
            var offer = JsonDocument.Parse(body).RootElement.EnumerateArray()
                .FirstOrDefault(n => n.GetProperty("studyKey").GetString() == study && n.GetProperty("kind").GetString() == "assignment-offered");
            if (offer.ValueKind == JsonValueKind.Object)
            {
                return offer.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, "no offer in the outbox: " + body);
            await Task.Delay(250);
        }
    }

    private static async Task<JsonElement> WaitForStatusAsync(LocalApi api, string study, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (code, body) = await api.GetAsync($"api/reading/studies/{TestSite.Tenant}/{study}");
            if (code == HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.GetProperty("status").GetProperty("status").GetString() == status)
            {
                return JsonDocument.Parse(body).RootElement.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, $"study never {status}: {code} {body}");
            await Task.Delay(250);
        }
    }
}
