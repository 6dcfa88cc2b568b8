using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Telerad.Azure;
using Telerad.Upload;
using Xunit.Abstractions;

namespace Telerad.Local.Tests;

/// <summary>
/// kill -9 of Telerad.Local in the middle of a study, then a new Telerad.Local on the same data folder: every study
/// completes, exactly once (no instance lost, none de-identified twice or as "late", one output per instance).
/// Telerad.Local runs as its own process (Telerad.Local.dll next to the tests), as a user would start it.
/// </summary>
public sealed class RestartTests(ITestOutputHelper log)
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    /// <summary>0: killed as soon as the upload is in (ingestion under way); 20: in the middle of de-identification.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public async Task A_study_interrupted_by_kill_9_completes_exactly_once_after_a_restart(int killAfterOutputs)
    {
        using var site = TestSite.Create();
        var ports = TestSite.FreePorts(3).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] arguments =
        [
            "--data", site.Data, "--blob-port", ports[0], "--queue-port", ports[1], "--table-port", ports[2],
            "--urls", "http://127.0.0.1:0", "--task-hub", TestSite.TaskHub("restart"), "--tenant", TestSite.Tenant,
            // The quiet period is longer than a restart takes on a busy machine: a study's quiet timer keeps running while
            // the process is down, and one that fired before the re-signalled instances arrived would complete the study
            // early and take them in as late, which is the quiet period's meaning but not what this test is about. 12 s
            // was not enough on a fresh CI machine (restart plus re-ingesting the backlog took longer); the default is 60 s.
            "--quiet-period", "30", "--key-file", site.KeyFile, "--poll-interval", "200", "--message-visibility", "5",
        ];
        var total = site.Truth.Sum(t => t.Instances);

        string connectionString;
        int outputsAtKill;
        var firstOutput = string.Empty;
        await using (var first = ChildProcess.Start("Telerad.Local.dll", arguments))
        {
            await first.WaitForLineAsync("Telerad.Local ready", StartLimit);
            connectionString = ConnectionString(await first.WaitForLineAsync("  Upload:", StartLimit));
            var receipt = await new StudyUploader(new BlobObjectStore(new BlobServiceClient(connectionString)))
                .UploadAsync(new UploadRequest { Path = site.Samples, Tenant = TestSite.Tenant }, null, CancellationToken.None);
            Assert.True(receipt.Succeeded);

            // Mid-study: not every instance is de-identified yet.
            await WaitForOutputsAsync(connectionString, killAfterOutputs, TimeSpan.FromSeconds(90));
            outputsAtKill = await CountOutputsAsync(connectionString);
            first.KillHard(); // its Azurite gets SIGTERM from the kernel (parent death) and stops too
            firstOutput = first.Output;
            log.WriteLine($"killed with {outputsAtKill} of {total} instances in deid/");
            Assert.True(outputsAtKill < total, $"the pipeline finished ({outputsAtKill} outputs) before it could be killed");
        }

        await using var second = ChildProcess.Start("Telerad.Local.dll", arguments);
        var ready = await second.WaitForLineAsync("Telerad.Local ready", StartLimit);
        Assert.Equal(connectionString, ConnectionString(await second.WaitForLineAsync("  Upload:", StartLimit)));
        using var api = new LocalApi(new Uri(ready[(ready.IndexOf("http://", StringComparison.Ordinal))..].Trim() + "/"));
        try
        {
            await api.WaitForCompletedStudiesAsync(TestSite.Tenant, site.Truth.Count, TimeSpan.FromSeconds(150));
            StoredStudies.AssertComplete(site.Truth, await StoredStudies.ReadAsync(connectionString, TestSite.Tenant));
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException)
        {
            // What the next person needs to find the cause: the studies' decisions and anything that went wrong.
            log.WriteLine("first process:\n" + Decisions(firstOutput) + "\nsecond process:\n" + Decisions(second.Output));
            throw;
        }

        // Every uploaded object is accounted for: none pending, none quarantined or failed.
        var uploadId = await SingleUploadIdAsync(connectionString);
        var (status, body) = await api.GetAsync($"uploads/{TestSite.Tenant}/{uploadId}");
        Assert.Equal(HttpStatusCode.OK, status);
        using var upload = JsonDocument.Parse(body);
        Assert.True(upload.RootElement.GetProperty("pending").GetInt32() == 0, body);
        var outcomes = upload.RootElement.GetProperty("outcomes").EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetInt32());
        Assert.Equal(total + 1, outcomes.Values.Sum());
        Assert.Equal(1, outcomes["manifest"]);
        Assert.Equal(total, outcomes.GetValueOrDefault("accepted") + outcomes.GetValueOrDefault("duplicate"));
    }

    /// <summary>A process's log without the ingestion lines: study assembly, de-identification, the poller's passes, warnings, failures.</summary>
    private static string Decisions(string output) => string.Join('\n', output.Split('\n')
        .Where(l => l.Contains("StudyAssemblyOrchestrator", StringComparison.Ordinal) || l.Contains("IncomingPoller", StringComparison.Ordinal) || l.Contains("DurableEngine", StringComparison.Ordinal) || l.Contains("InstanceDeidentifier", StringComparison.Ordinal)
            || l.Contains("warn:", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal))
        .Select(l => l.Length > 300 ? l[..300] : l)
        .TakeLast(300));

    private static string ConnectionString(string uploadLine)
    {
        const string Marker = "--connection-string \"";
        var start = uploadLine.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        return uploadLine[start..uploadLine.LastIndexOf('"')];
    }

    private static async Task<int> WaitForOutputsAsync(string connectionString, int atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var count = atLeast == 0 ? 0 : await CountOutputsAsync(connectionString);
            if (count >= atLeast)
            {
                return count;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Fewer than {atLeast} de-identified outputs appeared.");
    }

    private static async Task<int> CountOutputsAsync(string connectionString)
    {
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(Containers.Deidentified);
        if (!await container.ExistsAsync())
        {
            return 0;
        }

        var count = 0;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = TestSite.Tenant + "/" }, CancellationToken.None))
        {
            count += blob.Name.EndsWith(".dcm", StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    private static async Task<string> SingleUploadIdAsync(string connectionString)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in new BlobServiceClient(connectionString).GetBlobContainerClient(Containers.Incoming).GetBlobsAsync(new GetBlobsOptions { Prefix = TestSite.Tenant + "/" }, CancellationToken.None))
        {
            ids.Add(blob.Name.Split('/')[1]);
        }

        return Assert.Single(ids);
    }
}
