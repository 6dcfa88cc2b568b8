using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Telerad.Samples;

namespace Telerad.Local.Tests;

/// <summary>`telerad demo` as a user runs it: the built CLI in its own process, on ports and a folder of its own.</summary>
public sealed class DemoCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_demo_takes_every_sample_study_through_the_pipeline_and_exits_0()
    {
        using var site = TestSite.Create(withSamples: false);
        var data = Path.Combine(site.Root, "demo");
        await using var demo = ChildProcess.Start("telerad.dll", [.. Arguments(data), "--timeout", "180"]);
        var exit = await demo.WaitForExitAsync(Limit);
        var output = demo.Output;
        Assert.True(exit == 0, $"exit code {exit}:\n{output}");
        foreach (var folder in SampleStudyGenerator.Folders)
        {
            Assert.Contains($"summary        {folder}: study complete", output, StringComparison.Ordinal);
        }

        // The ground truth files stayed out of the upload: nothing was quarantined, every file was an instance.
        Assert.Contains("Quarantined objects: none.", output, StringComparison.Ordinal);
        Assert.Contains("93 accepted, 1 manifest", output, StringComparison.Ordinal);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(data, "ground-truth"), "*.json").Length);

        // Triage's conclusion in each study's lines agrees with the generator's ground truth (the lesion study is critical).
        var lines = output.Split('\n');
        foreach (var truthFile in Directory.GetFiles(Path.Combine(data, "ground-truth"), "*.json"))
        {
            var truth = SampleStudyDescriptor.Load(truthFile);
            var row = Array.FindIndex(lines, l => l.StartsWith($"  {truth.Folder} ", StringComparison.Ordinal));
            Assert.True(row >= 0, $"no row for {truth.Folder}:\n{output}");
            var triage = lines[row + 2];
            Assert.Contains("triage:", triage, StringComparison.Ordinal);
            Assert.Equal(truth.Critical, triage.Contains("CRITICAL", StringComparison.Ordinal));
            Assert.Equal(truth.Critical, triage.Contains("priority upgraded to STAT", StringComparison.Ordinal));
        }

        // Reading: every study offered to a radiologist, the critical one first as STAT; its reader accepted and reported.
        var worklist = Array.FindIndex(lines, l => l.StartsWith("Reading worklist", StringComparison.Ordinal));
        Assert.True(worklist >= 0, output);
        var critical = SampleStudyGenerator.Folders.Single(f => Directory.GetFiles(Path.Combine(data, "ground-truth"), "*.json").Select(SampleStudyDescriptor.Load).Single(t => t.Folder == f).Critical);
        Assert.StartsWith($"  {critical} ", lines[worklist + 1], StringComparison.Ordinal);
        Assert.Contains("STAT    (ai-critical-upgrade)", lines[worklist + 1], StringComparison.Ordinal);
        Assert.All(lines.Skip(worklist + 1).Take(4), l => Assert.Contains(" offered ", l, StringComparison.Ordinal));
        Assert.Contains($"accepted {critical} with the link from their notification (202) and sent the final report, flagged critical (red) (202)", output, StringComparison.Ordinal);

        // Results: the report reached the referrer's EHR (the real test FHIR server), its subject resolved to the
        // hospital's own Patient by identifier, with the order and the original Study Instance UID.
        var ehr = lines.SingleOrDefault(l => l.StartsWith("The report reached the referrer's EHR: DiagnosticReport/", StringComparison.Ordinal));
        Assert.True(ehr is not null, output);
        Assert.Matches(@"\(final, LOINC 18748-4 [^)]*\), subject Patient/[^ ]+ \(the hospital's own Patient", ehr);
        Assert.Contains("based on ServiceRequest/", ehr, StringComparison.Ordinal);
        var lesionUid = Directory.GetFiles(Path.Combine(data, "ground-truth"), "*.json").Select(SampleStudyDescriptor.Load).Single(t => t.Critical).StudyInstanceUid;
        Assert.Contains($"imaging study urn:oid:{lesionUid};", ehr, StringComparison.Ordinal);

        // The closed loop: the alert acknowledged by its signed link, and both in the EHR as Communications.
        Assert.Contains("acknowledged with it (200); the EHR holds the loop as 2 Communications: alert, notification", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_refuses_a_folder_it_did_not_make_and_leaves_it_alone()
    {
        using var site = TestSite.Create(withSamples: false);
        var data = Directory.CreateDirectory(Path.Combine(site.Root, "someone-elses")).FullName;
        var theirs = Path.Combine(data, "notes.txt");
        await File.WriteAllTextAsync(theirs, "not the demo's");
        await using var demo = ChildProcess.Start("telerad.dll", Arguments(data));
        Assert.Equal(2, await demo.WaitForExitAsync(Limit));
        Assert.Contains("is not a demo folder", demo.Output, StringComparison.Ordinal);
        Assert.Equal("not the demo's", await File.ReadAllTextAsync(theirs));
        Assert.Single(Directory.EnumerateFileSystemEntries(data));
    }

    [Fact]
    public async Task The_demo_says_when_the_API_port_is_in_use()
    {
        using var site = TestSite.Create(withSamples: false);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var arguments = Arguments(Path.Combine(site.Root, "demo")).ToList();
        arguments[arguments.IndexOf("--urls") + 1] = $"http://127.0.0.1:{port}";
        await using var demo = ChildProcess.Start("telerad.dll", arguments);
        Assert.Equal(2, await demo.WaitForExitAsync(Limit));
        Assert.Contains($"The API address http://127.0.0.1:{port}/ is in use", demo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_says_how_to_install_Azurite_when_it_is_missing()
    {
        using var site = TestSite.Create(withSamples: false);
        var missing = Path.Combine(site.Root, "no-azurite-here");
        await using var demo = ChildProcess.Start("telerad.dll", Arguments(Path.Combine(site.Root, "demo")), new Dictionary<string, string> { [AzuriteLocator.Variable] = missing });
        Assert.Equal(2, await demo.WaitForExitAsync(Limit));
        Assert.Contains($"${AzuriteLocator.Variable} names {missing}, which does not exist", demo.Output, StringComparison.Ordinal);
        Assert.Contains("npm ci", demo.Output, StringComparison.Ordinal);
    }

    private static string[] Arguments(string data)
    {
        var ports = TestSite.FreePorts(3).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        return ["demo", "--data", data, "--urls", "http://127.0.0.1:0", "--blob-port", ports[0], "--queue-port", ports[1], "--table-port", ports[2]];
    }
}
