using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Telerad.Azure;
using Telerad.Samples;

namespace Telerad.Local.Tests;

/// <summary>One study as the pipeline left it in storage: `deid/` outputs, summary.json, and the instance registry.</summary>
internal sealed record StoredStudy(string StudyKey, IReadOnlyList<string> OutputSopKeys, JsonElement? Summary, IReadOnlyList<InstanceRecord> Registry);

internal static class StoredStudies
{
    /// <summary>Reads every study of <paramref name="tenant"/> straight from storage (not through Telerad.Local's API).</summary>
    public static async Task<IReadOnlyList<StoredStudy>> ReadAsync(string connectionString, string tenant)
    {
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(Containers.Deidentified);
        var outputs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = tenant + "/" }, CancellationToken.None))
        {
            var parts = blob.Name.Split('/');
            var study = parts[1];
            if (!outputs.TryGetValue(study, out var sops))
            {
                outputs[study] = sops = [];
            }

            if (parts.Length == 4 && parts[3].EndsWith(".dcm", StringComparison.Ordinal))
            {
                sops.Add(parts[3][..^4]);
            }
            else if (parts.Length == 3 && parts[2] == "summary.json")
            {
                summaries[study] = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            }
            else if (parts.Length == 3 && parts[2] == TriageStudy.ResultFileName)
            {
                // Triage's result: checked by the demo test against the ground truth.
            }
            else
            {
                Assert.Fail($"Unexpected object in deid/: {blob.Name}");
            }
        }

        var registry = new TableIngestionState(new TableServiceClient(connectionString));
        var studies = new List<StoredStudy>();
        foreach (var (study, sops) in outputs)
        {
            JsonElement? summary = summaries.TryGetValue(study, out var json) ? JsonDocument.Parse(json).RootElement.Clone() : null;
            studies.Add(new StoredStudy(study, sops, summary, await registry.ListInstancesAsync(tenant, study)));
        }

        return studies;
    }

    /// <summary>What a failing test prints: per study, outputs, registry rows (done, versions, late) and the summary.</summary>
    public static string Describe(StoredStudy study) =>
        $"  {study.StudyKey}: {study.OutputSopKeys.Count} outputs; registry {study.Registry.Count} rows, {study.Registry.Count(r => r.IsDone)} done, " +
        $"versions {string.Join(',', study.Registry.Select(r => r.Version).Distinct())}, {study.Registry.Count(r => r.Late)} late; summary {study.Summary?.ToString() ?? "none"}";

    /// <summary>
    /// Every sample study is there exactly once, complete: one output per registered instance (no duplicates, none
    /// lost), each registered instance de-identified once in its first version and not as "late", and a summary whose
    /// modality and instance count are the generator's ground truth.
    /// </summary>
    public static void AssertComplete(IReadOnlyList<SampleStudyDescriptor> truth, IReadOnlyList<StoredStudy> stored)
    {
        var picture = string.Join('\n', stored.Select(Describe));
        Assert.True(truth.Count == stored.Count, $"{stored.Count} studies in deid/, {truth.Count} uploaded:\n{picture}");
        foreach (var study in stored)
        {
            Assert.True(
                study.Registry.Count == study.OutputSopKeys.Count && study.Registry.All(r => r.IsDone && r.Version == 1 && !r.Late),
                $"study {study.StudyKey} is not complete exactly once:\n{picture}");
            Assert.Equal(study.OutputSopKeys.Count, study.OutputSopKeys.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(
                study.Registry.Select(r => r.SopKey).Order(StringComparer.Ordinal),
                study.OutputSopKeys.Order(StringComparer.Ordinal));
            Assert.All(study.Registry, r =>
            {
                Assert.True(r.IsDone, $"instance {r.SopKey} of {study.StudyKey} is not de-identified");
                Assert.Equal(1, r.Version);
                Assert.False(r.Late, $"instance {r.SopKey} of {study.StudyKey} was de-identified as late");
            });
            Assert.True(study.Summary is not null, $"study {study.StudyKey} has no summary.json");
            var summary = study.Summary.Value;
            Assert.Equal(study.StudyKey, summary.GetProperty("studyKey").GetString());
            Assert.Equal(0, summary.GetProperty("lateInstances").GetInt32());
            Assert.Equal(0, summary.GetProperty("quarantined").GetInt32());
            Assert.Equal(study.Registry.Count, summary.GetProperty("instances").GetInt32());
        }

        static string Shape(string modality, int instances) => $"{modality}:{instances}";
        Assert.Equal(
            truth.Select(t => Shape(t.Modality, t.Instances)).Order(StringComparer.Ordinal),
            stored.Select(s => Shape(string.Join('/', s.Summary!.Value.GetProperty("modalities").EnumerateArray().Select(m => m.GetString())), s.Registry.Count)).Order(StringComparer.Ordinal));
    }
}
