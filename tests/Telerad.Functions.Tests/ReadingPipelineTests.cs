using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Azure.Tests;
using Telerad.Dicom.Tests;
using Telerad.Fhir;
using Telerad.Ingestion;
using Telerad.Notifications;
using Telerad.Reading.Worklist;
using Telerad.Samples;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Functions.Tests;

/// <summary>
/// From upload to report through the Functions app on Azurite: the reference model and the reading configuration are
/// in their containers (as operators put them), two head CTs are uploaded; the one with the bleed is triaged critical,
/// read as STAT and tops the worklist; the radiologist (signed in through App Service authentication) accepts with the
/// link from the notification and reports; the report is handed to results delivery. Service Bus and Key Vault cannot
/// run here: a recording publisher and a generated link key stand in for them.
/// </summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class ReadingPipelineTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Tenant = "hospital-r";
    private const string NeuroOid = "0b9a3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";
    private const string OpsOid = "9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f";
    private FunctionsPipeline _pipeline = null!;
    private IReadOnlyList<GeneratedSampleStudy> _samples = null!;

    public async Task InitializeAsync()
    {
        _samples = SampleStudyGenerator.Generate(TestData.NewScratchDirectory("reading-pipeline"), new SampleOptions());
        _pipeline = await FunctionsPipeline.StartAsync(azurite, Tenant);
        var models = Path.Combine(TestData.RepositoryRoot, "models");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(models, "intracranial-hyperdensity"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith("manifest.json", StringComparison.Ordinal) || f.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            await using var content = File.OpenRead(file);
            await _pipeline.Store.WriteAsync(new ObjectRef(Containers.Models, Path.GetRelativePath(models, file).Replace('\\', '/')), content);
        }

        foreach (var (name, json) in Configuration())
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(json));
            await _pipeline.Store.WriteAsync(new ObjectRef(Containers.Config, name), content);
        }
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task The_bleed_is_read_first_accepted_by_link_reported_and_handed_to_results()
    {
        var upload = "r-" + Guid.NewGuid().ToString("N")[..6];
        var lesion = _samples.Single(s => s.Descriptor.Folder == "ct-head-lesion");
        var normal = _samples.Single(s => s.Descriptor.Folder == "ct-head-normal");
        var events = new List<string>();
        foreach (var study in new[] { normal, lesion })
        {
            foreach (var file in study.Descriptor.Files)
            {
                await _pipeline.PutAsync(Tenant, upload, $"{study.Descriptor.Folder}/{file}", Path.Combine(study.Directory, file));
                events.Add($"{Tenant}/{upload}/{study.Descriptor.Folder}/{file}");
            }
        }

        await _pipeline.PutManifestAsync(Tenant, upload, (lesion.Descriptor.StudyInstanceUid, lesion.Descriptor.Instances), (normal.Descriptor.StudyInstanceUid, normal.Descriptor.Instances));
        events.Add($"{Tenant}/{upload}/{UploadManifest.FileName}");
        foreach (var batch in events.Chunk(4))
        {
            await Task.WhenAll(batch.Select(_pipeline.DeliverAsync));
        }

        var bleed = _pipeline.StudyKey(Tenant, lesion.Descriptor.StudyInstanceUid);
        var routine = _pipeline.StudyKey(Tenant, normal.Descriptor.StudyInstanceUid);
        var offer = await _pipeline.Published.WaitForAsync(n => n.StudyKey == bleed && n.Kind == NotificationKinds.AssignmentOffered, TimeSpan.FromSeconds(60));
        await _pipeline.Published.WaitForAsync(n => n.StudyKey == routine && n.Kind == NotificationKinds.AssignmentOffered, TimeSpan.FromSeconds(60));
        Assert.Equal(("rad-neuro", "STAT"), (offer.RadiologistId, offer.Priority));

        // The worklist (projection in Table storage): the AI-flagged STAT study first.
        var worklist = await CallAsync(api => api.Worklist(Request("GET", NeuroOid)));
        Assert.Equal(200, worklist.Status);
        var items = worklist.Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([bleed, routine], items.Select(i => i.GetProperty("StudyKey").GetString()));
        Assert.True(items[0].GetProperty("AiFlagged").GetBoolean());

        // Without App Service authentication's principal: 401. Operations (by app role) may not accept for the reader.
        Assert.Equal(401, (await CallAsync(api => api.Accept(Request("POST", null), Tenant, bleed, _pipeline.Client))).Status);
        var token = Uri.UnescapeDataString(offer.Links[LinkActions.Accept][(offer.Links[LinkActions.Accept].LastIndexOf('=') + 1)..]);
        Assert.Equal(403, (await CallAsync(api => api.Accept(Request("POST", OpsOid, ("token", token)), Tenant, bleed, _pipeline.Client))).Status);
        Assert.Equal(202, (await CallAsync(api => api.Accept(Request("POST", NeuroOid, ("token", token)), Tenant, bleed, _pipeline.Client))).Status);
        await WaitForRowAsync(bleed, WorklistStatus.Accepted);

        var report = Request("POST", NeuroOid);
        report.Body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { kind = "final", findings = "Hyperdense focus, right frontal.", impression = "Acute haemorrhage.", critical = true, severity = "red", criticalDescription = "Acute intracranial haemorrhage" }));
        report.ContentType = "application/json";
        Assert.Equal(202, (await CallAsync(api => api.SubmitReport(report, Tenant, bleed, _pipeline.Client))).Status);
        await WaitForRowAsync(bleed, WorklistStatus.Reported);
        Assert.NotNull(await _pipeline.Store.GetPropertiesAsync(new ObjectRef(Containers.Deidentified, $"{Tenant}/{bleed}/results/final-final.json")));

        // Results delivery is the real FHIR one (re-identified, mapped, validated offline); this app has no
        // config/fhir-endpoints.json, so the report is kept as dead-lettered and operations are told why.
        var failed = await _pipeline.Published.WaitForAsync(n => n.StudyKey == bleed && n.Kind == NotificationKinds.DeliveryFailed && n.Reason!.StartsWith("final report", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        Assert.Contains(CatalogFhirBundleSender.EndpointNotConfigured, failed.Reason, StringComparison.Ordinal);
        Assert.NotNull(await _pipeline.Store.GetPropertiesAsync(new ObjectRef(Containers.Deidentified, DeliverReport.OutcomeObject(Tenant, bleed, "final", "final", "failed"))));

        // Status and timeline for operations: every step, from the start of reading to the report.
        var status = await CallAsync(api => api.StudyStatus(Request("GET", OpsOid), Tenant, bleed));
        var actions = status.Body.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["reading.started", "reading.priority", "reading.assigned", "reading.notified", "api.accept", "reading.accepted", "api.report", "reading.report"],
            actions.Where(a => a is "reading.started" or "reading.priority" or "reading.assigned" or "reading.notified" or "api.accept" or "reading.accepted" or "api.report" or "reading.report").Distinct());
    }

    private async Task WaitForRowAsync(string study, string status)
    {
        var worklist = _pipeline.Services.GetRequiredService<IReadingWorklist>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await worklist.GetAsync(Tenant, study))?.Status != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"worklist row of {study} never became {status}");
            await Task.Delay(100);
        }
    }

    private async Task<(int Status, JsonElement Body)> CallAsync(Func<ReadingApiFunctions, Task<IActionResult>> call)
    {
        var result = (ObjectResult)await call(_pipeline.Services.GetRequiredService<ReadingApiFunctions>());
        return (result.StatusCode ?? 200, JsonSerializer.SerializeToElement(result.Value));
    }

    /// <summary>A request as App Service authentication forwards it: the validated principal in X-MS-CLIENT-PRINCIPAL.</summary>
    private static HttpRequest Request(string method, string? oid, params (string Name, string Value)[] query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.QueryString = QueryString.Create(query.Select(q => new KeyValuePair<string, string?>(q.Name, q.Value)));
        if (oid is not null)
        {
            var claims = new List<object> { new { typ = AppServiceCaller.ObjectIdClaim, val = oid } };
            if (oid == OpsOid)
            {
                claims.Add(new { typ = "roles", val = ReadingCaller.OperationsRole });
            }

            var principal = JsonSerializer.SerializeToUtf8Bytes(new { auth_typ = "aad", claims, name_typ = "name", role_typ = "roles" });
            context.Request.Headers[AppServiceCaller.PrincipalHeader] = Convert.ToBase64String(principal);
        }

        return context.Request;
    }

    private static IEnumerable<(string Name, string Json)> Configuration()
    {
        const string allWeek = """[{ "days": ["Mon","Tue","Wed","Thu","Fri","Sat","Sun"], "start": "00:00", "end": "24:00" }]""";
        yield return ("operations.json", """{ "contacts": [ { "id": "ops-desk", "displayName": "Desk", "role": "operations-desk", "channel": "pager", "address": "desk" } ], "alertContacts": ["ops-desk"] }""");
        yield return ("tenants.json", $$"""
            { "tenants": [ { "id": "{{Tenant}}", "displayName": "Hospital R", "turnaroundTargets": { "STAT": "PT30M", "URGENT": "PT2H", "ROUTINE": "PT8H" },
              "allowGeneralFallback": true, "escalationChains": [ { "id": "sla", "steps": [ { "contact": "ops-desk" } ] } ], "slaEscalationChain": "sla",
              "facilities": [ { "id": "fac-{{Tenant}}", "displayName": "Main", "jurisdiction": "US-NY" } ],
              "referrers": [ { "id": "ref-ed", "displayName": "ED", "fhirEndpointId": "ehr", "criticalResultContacts": [ { "id": "ed-attending", "displayName": "ED attending", "channel": "phone", "address": "+1-555-0110" } ] } ] } ] }
            """);
        yield return ("radiologists.json", $$"""
            { "radiologists": [ { "id": "rad-neuro", "displayName": "Neuro", "npi": "1234567893", "entraObjectId": "{{NeuroOid}}", "subspecialties": ["neuro"], "licensedJurisdictions": ["US-NY"],
              "credentialedFacilities": ["fac-{{Tenant}}"], "timeZone": "UTC", "shifts": {{allWeek}}, "capacity": { "maxOpenStudies": 5, "maxOpenRvus": 20 } } ] }
            """);
    }
}
