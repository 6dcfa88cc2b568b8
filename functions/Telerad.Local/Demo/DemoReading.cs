using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Telerad.Reading.Worklist;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telerad.Local;

/// <summary>
/// The demo's reading part, through the same HTTP API a reading client uses: the operations view of the worklist
/// (reading order: the AI-flagged STAT study first, who it was offered to, the deadline), then the radiologist of the
/// first study accepts it with the link from their notification (the local outbox) and sends the final report.
/// </summary>
internal static class DemoReading
{
    public const string Operations = "ops-demo";

    public static async Task<bool> RunAsync(Uri apiAddress, DemoFhirServer ehr, IReadOnlyDictionary<string, string> folders, TextWriter output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var ops = Client(apiAddress, Operations);
        var items = await WaitForOffersAsync(ops, folders.Count, timeout, cancellationToken);
        await output.WriteLineAsync();
        await output.WriteLineAsync("Reading worklist (operations view, reading order: priority, AI-flagged first, deadline):");
        foreach (var item in items)
        {
            var key = item.GetProperty("studyKey").GetString()!;
            var deadline = item.TryGetProperty("deadlineUtc", out var d) && d.ValueKind == JsonValueKind.String ? d.GetDateTimeOffset().ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture) : "-";
            await output.WriteLineAsync(string.Format(
                CultureInfo.InvariantCulture,
                "  {0,-16} {1,-7} {2,-22} {3,-9} to {4,-17} due {5}",
                folders.GetValueOrDefault(key, key),
                item.GetProperty("priority").GetString(),
                "(" + item.GetProperty("priorityReason").GetString() + ")",
                item.GetProperty("status").GetString(),
                item.TryGetProperty("radiologistId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "nobody",
                deadline));
        }

        if (items.Count < folders.Count || items.Count == 0)
        {
            await output.WriteLineAsync($"telerad demo: only {items.Count} of {folders.Count} studies were offered to a radiologist within {timeout.TotalSeconds:0} s.");
            return false;
        }

        var first = items[0];
        var study = first.GetProperty("studyKey").GetString()!;
        var reader = first.GetProperty("radiologistId").GetString()!;
        var offer = await OfferAsync(ops, study, cancellationToken);
        using var radiologist = Client(apiAddress, reader);
        var accept = await radiologist.PostAsync(new Uri(offer, UriKind.Absolute).PathAndQuery.TrimStart('/'), null, cancellationToken);
        await WaitForStatusAsync(radiologist, study, WorklistStatus.Accepted, cancellationToken); // the reading takes the accept in, then the report
        var report = await radiologist.PostAsJsonAsync(
            $"api/reading/studies/{DemoOptions.Tenant}/{study}/reports",
            new
            {
                kind = "final",
                findings = "Demo: hyperdense focus in the right frontal lobe.",
                impression = "Demo: acute intraparenchymal haemorrhage.",
                critical = true,
                severity = "red",
                criticalDescription = "Acute intracranial haemorrhage",
            },
            cancellationToken);
        await output.WriteLineAsync(string.Format(
            CultureInfo.InvariantCulture,
            "{0} accepted {1} with the link from their notification ({2}) and sent the final report, flagged critical (red) ({3}); results delivery sends it to the EHR and the critical result goes to the ED attending.",
            reader,
            folders.GetValueOrDefault(study, study),
            (int)accept.StatusCode,
            (int)report.StatusCode));
        var delivered = report.StatusCode == HttpStatusCode.Accepted && await ShowDeliveryAsync(ehr, output, timeout, cancellationToken);
        var acknowledged = delivered && await AcknowledgeCriticalResultAsync(ops, apiAddress, ehr, study, output, timeout, cancellationToken);
        await output.WriteLineAsync($"Worklists yourself: curl -H '{DevIdentityHandler.HeaderName}: {Operations}' {apiAddress}api/reading/worklist ; outbox: {apiAddress}api/notifications ; the EHR: {ehr.FhirBase}/DiagnosticReport");
        return accept.StatusCode == HttpStatusCode.Accepted && report.StatusCode == HttpStatusCode.Accepted && delivered && acknowledged;
    }

    /// <summary>
    /// The EHR's side: the DiagnosticReport that arrived (status, code, conclusion), its subject resolved to the
    /// hospital's own Patient, its order, and the original Study Instance UID of the ImagingStudy it points at.
    /// </summary>
    private static async Task<bool> ShowDeliveryAsync(DemoFhirServer ehr, TextWriter output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var reports = await ehr.WaitForReportsAsync(timeout, cancellationToken);
        if (reports.Count == 0)
        {
            await output.WriteLineAsync($"telerad demo: no report reached the EHR ({ehr.FhirBase}) within {timeout.TotalSeconds:0} s; the study's timeline says why (delivery records and operations alerts).");
            return false;
        }

        var report = JsonNode.Parse(reports[0].GetRawText())!;
        var subject = report["subject"]?["reference"]?.GetValue<string>();
        var patient = subject is null ? null : await ehr.ReadAsync(subject, cancellationToken);
        var study = report["imagingStudy"]?[0]?["reference"]?.GetValue<string>();
        var imaging = study is null ? null : await ehr.ReadAsync(study, cancellationToken);
        var uid = imaging is { } found ? JsonNode.Parse(found.GetRawText())?["identifier"]?[0]?["value"]?.GetValue<string>() : null;
        var code = report["code"]?["coding"]?[0];
        await output.WriteLineAsync(string.Format(
            CultureInfo.InvariantCulture,
            "The report reached the referrer's EHR: DiagnosticReport/{0} ({1}, LOINC {2} {3}), subject {4} (the hospital's own Patient, found by its identifier), based on {5}, imaging study {6}; conclusion \"{7}\" ({8:0.0} s after it was sent)",
            report["id"]?.GetValue<string>(),
            report["status"]?.GetValue<string>(),
            code?["code"]?.GetValue<string>(),
            code?["display"]?.GetValue<string>() ?? report["code"]?["text"]?.GetValue<string>(),
            patient is null ? "unresolved" : subject,
            report["basedOn"]?[0]?["reference"]?.GetValue<string>() ?? "no order",
            uid ?? "?",
            report["conclusion"]?.GetValue<string>(),
            waited.Elapsed.TotalSeconds));
        var resources = new[] { "Observation", "Device", "Provenance", "Practitioner" };
        var counts = new List<string>();
        foreach (var type in resources)
        {
            counts.Add($"{(await ehr.SearchAsync(type, cancellationToken)).Count} {type}");
        }

        await output.WriteLineAsync($"  with {string.Join(", ", counts)} (the critical finding and AI triage as Observations, the model as Device, the report version's Provenance, the radiologist)");
        return patient is not null;
    }

    /// <summary>
    /// The closed loop: the ED attending's critical-result alert (from the local outbox, standing in for the
    /// critical-results topic) is acknowledged with its signed link; the EHR then holds the alert and the acknowledgment
    /// as Communications about the report.
    /// </summary>
    private static async Task<bool> AcknowledgeCriticalResultAsync(HttpClient ops, Uri apiAddress, DemoFhirServer ehr, string study, TextWriter output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? link = null;
        string? recipient = null;
        while (link is null && DateTime.UtcNow < deadline)
        {
            using var outbox = JsonDocument.Parse(await ops.GetStringAsync("api/notifications?topic=critical-results", cancellationToken));
            foreach (var n in outbox.RootElement.EnumerateArray())
            {
                if (n.GetProperty("studyKey").GetString() == study && n.GetProperty("kind").GetString() == "critical-result")
                {
                    link = n.GetProperty("links").GetProperty("acknowledge").GetString();
                    recipient = n.GetProperty("recipientId").GetString();
                }
            }

            if (link is null)
            {
                await Task.Delay(250, cancellationToken);
            }
        }

        if (link is null)
        {
            await output.WriteLineAsync($"telerad demo: no critical-result alert for the bleed within {timeout.TotalSeconds:0} s.");
            return false;
        }

        // The recipient follows the link, signed in as themselves (the signed token binds it to them, the study and the report).
        using var clinician = Client(apiAddress, recipient!);
        using var acknowledged = await clinician.PostAsync(new Uri(link, UriKind.Absolute).PathAndQuery.TrimStart('/'), null, cancellationToken);
        var communications = new List<JsonElement>();
        while (DateTime.UtcNow < deadline && communications.Count < 2)
        {
            communications = [.. await ehr.SearchAsync("Communication", cancellationToken)];
            if (communications.Count < 2)
            {
                await Task.Delay(250, cancellationToken);
            }
        }

        await output.WriteLineAsync(string.Format(
            CultureInfo.InvariantCulture,
            "The critical result went to {0} (a critical-result contact of the study's referrer: the demo tenant has one, so ingestion names it on every summary) with a signed acknowledgment link; acknowledged with it ({1}); the EHR holds the loop as {2} Communications: {3}",
            recipient,
            (int)acknowledged.StatusCode,
            communications.Count,
            string.Join(", ", communications.Select(c => c.GetProperty("category")[0].GetProperty("coding")[0].GetProperty("code").GetString()))));
        return acknowledged.StatusCode == HttpStatusCode.OK && communications.Count == 2;
    }

    private static HttpClient Client(Uri address, string user)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add(DevIdentityHandler.HeaderName, user);
        return client;
    }

    /// <summary>The worklist once every study has been offered (or the time is up: what there is).</summary>
    private static async Task<List<JsonElement>> WaitForOffersAsync(HttpClient ops, int studies, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var items = new List<JsonElement>();
        while (DateTime.UtcNow < deadline)
        {
            using var answer = JsonDocument.Parse(await ops.GetStringAsync("api/reading/worklist", cancellationToken));
            items = [.. answer.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
            if (items.Count >= studies && items.All(i => i.GetProperty("status").GetString() == WorklistStatus.Offered))
            {
                break;
            }

            await Task.Delay(250, cancellationToken);
        }

        return items;
    }

    private static async Task WaitForStatusAsync(HttpClient client, string study, string status, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 80; attempt++)
        {
            using var answer = await client.GetAsync($"api/reading/studies/{DemoOptions.Tenant}/{study}", cancellationToken);
            if (answer.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
                if (body.RootElement.GetProperty("status").GetProperty("status").GetString() == status)
                {
                    return;
                }
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task<string> OfferAsync(HttpClient ops, string study, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var outbox = JsonDocument.Parse(await ops.GetStringAsync("api/notifications?topic=radiologist-notifications", cancellationToken));
            foreach (var n in outbox.RootElement.EnumerateArray())
            {
                if (n.GetProperty("studyKey").GetString() == study && n.GetProperty("kind").GetString() == "assignment-offered")
                {
                    return n.GetProperty("links").GetProperty("accept").GetString()!;
                }
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new InvalidOperationException("The offer is not in the outbox.");
    }
}
