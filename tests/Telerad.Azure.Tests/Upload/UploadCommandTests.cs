using Telerad.Dicom.Tests;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Telerad.Storage;

namespace Telerad.Azure.Tests;

/// <summary>`telerad upload` as a user runs it: the built telerad.dll in its own process, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class UploadCommandTests(AzuriteFixture azurite)
{
    private readonly string _tenant = Planted.NewTenant();

    [Fact]
    public async Task Upload_prints_a_receipt_and_a_second_run_with_the_upload_id_skips_everything()
    {
        var root = UploadFolder.Create();
        var files = UploadFolder.Files(root);
        var expected = UploadFolder.ExpectedStudies(UploadFolder.DicomSources(root));

        var first = RunTelerad(["upload", root, "--tenant", _tenant, "--connection-string", azurite.ConnectionString]);
        Assert.True(first.ExitCode == 0, first.StandardError + first.StandardOutput);
        var uploadId = ReceiptUploadId().Match(first.StandardOutput).Groups[1].Value;
        Assert.Matches(@"^\d{8}T\d{6}Z-[0-9a-f]{8}$", uploadId);
        Assert.Contains($"upload id {uploadId}", first.StandardError, StringComparison.Ordinal); // told before anything is sent
        Assert.Contains($"Files uploaded:     {files.Count} ({files.Values.Sum(f => new FileInfo(f).Length)} bytes)", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Files failed:       0", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Studies:            {expected.Count}", first.StandardOutput, StringComparison.Ordinal);
        foreach (var (study, instances) in expected)
        {
            Assert.Contains($"  {study}: {instances} instances", first.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains($"Expected instances: {expected.Values.Sum()}", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Manifest:           written, last", first.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", first.StandardError, StringComparison.Ordinal); // no progress bar when stderr is not a terminal

        var incoming = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(Containers.Incoming);
        var names = new List<string>();
        await foreach (var blob in incoming.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{_tenant}/{uploadId}/" }))
        {
            names.Add(blob.Name[$"{_tenant}/{uploadId}/".Length..]);
        }

        Assert.Equal(files.Keys.Append("manifest.json").Order(StringComparer.Ordinal), names);
        using var manifest = JsonDocument.Parse((await incoming.GetBlobClient($"{_tenant}/{uploadId}/manifest.json").DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(expected.Values.Sum(), manifest.RootElement.GetProperty("expectedInstances").GetInt32());

        // Again, with the connection string from the environment: everything skipped, the manifest left alone.
        var second = RunTelerad(["upload", root, "--tenant", _tenant, "--upload-id", uploadId], (UploadCommandVariable, azurite.ConnectionString));
        Assert.True(second.ExitCode == 0, second.StandardError + second.StandardOutput);
        Assert.Contains("Files uploaded:     0 (0 bytes)", second.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Files skipped:      {files.Count} ", second.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Manifest:           unchanged", second.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_only_SAS_URL_works_and_failures_exit_1_without_a_manifest()
    {
        var admin = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(Containers.Incoming);
        await admin.CreateIfNotExistsAsync();
        var writeOnly = admin.GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(10));
        var file = Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm");

        var ok = RunTelerad(["upload", file, "--tenant", _tenant, "--upload-id", "sas", "--sas-url", writeOnly.ToString()]);
        Assert.True(ok.ExitCode == 0, ok.StandardError + ok.StandardOutput);
        Assert.Contains("Files uploaded:     1 ", ok.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("credential may write but not read", ok.StandardOutput, StringComparison.Ordinal);
        Assert.True((await admin.GetBlobClient($"{_tenant}/sas/manifest.json").ExistsAsync()).Value);

        // A SAS without write permission: the file fails with the service's answer, no manifest, exit code 1.
        var readOnly = admin.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(10));
        var refused = RunTelerad(["upload", file, "--tenant", _tenant, "--upload-id", "refused", "--sas-url", readOnly.ToString()]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Files failed:       1", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("CT_small.dcm: Blob storage failed writing container 'incoming', object #", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("403", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Manifest:           not written", refused.StandardOutput, StringComparison.Ordinal);
        Assert.False((await admin.GetBlobClient($"{_tenant}/refused/manifest.json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_upload_with_exit_130_and_the_same_command_with_the_upload_id_finishes_it()
    {
        var root = Path.Combine(TestData.NewScratchDirectory("upload-interrupt"), "in");
        Directory.CreateDirectory(root);
        foreach (var file in Directory.EnumerateFiles(TestData.CtStudy("ele")))
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        await using (var big = File.Create(Path.Combine(root, "zz-big.bin"))) // last in name order, long to upload
        {
            await new PatternStream(96L * 1024 * 1024).CopyToAsync(big);
        }

        var incoming = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(Containers.Incoming);
        await incoming.CreateIfNotExistsAsync(); // as deployed; the test may run before any other has created it
        var prefix = $"{_tenant}/interrupted/";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Through a slow link (2 MB/s a connection), so the big last file is still on its way when the signal comes,
        // however fast the machine; the second run goes direct.
        await using var slowLink = new ThrottlingProxy(azurite.BlobPort, 2 * 1024 * 1024);
        var slowConnection = azurite.ConnectionString.Replace($":{azurite.BlobPort}/", $":{slowLink.Port}/", StringComparison.Ordinal);
        var info = StartInfo(["upload", root, "--tenant", _tenant, "--upload-id", "interrupted", "--parallelism", "1", "--connection-string", slowConnection]);

        // A test run started in the background (`cmd &` in a script) ignores SIGINT, and children inherit that: the CLI
        // would never see the Ctrl-C (.NET leaves an ignored SIGINT ignored). env puts it back to the default, as in a
        // terminal.
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "--default-signal=INT");
        info.FileName = "env";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await CountAsync(incoming, prefix) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "two objects are uploaded before the interruption");
            await Task.Delay(20);
        }

        var signalled = clock.ElapsedMilliseconds;
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.True(process.ExitCode == 130, $"signalled at {signalled} ms, exited at {clock.ElapsedMilliseconds} ms: " + await stderr + await stdout);
        Assert.Contains("interrupted; run the same command with --upload-id interrupted", await stderr, StringComparison.Ordinal);
        // Cut the link: bytes a cancelled request left in socket buffers may otherwise still complete an object.
        await slowLink.DisposeAsync();
        var before = await CountAsync(incoming, prefix);
        Assert.InRange(before, 2, 12);
        Assert.False((await incoming.GetBlobClient(prefix + "manifest.json").ExistsAsync()).Value);

        var rerun = RunTelerad(["upload", root, "--tenant", _tenant, "--upload-id", "interrupted", "--connection-string", azurite.ConnectionString]);
        Assert.True(rerun.ExitCode == 0, rerun.StandardError + rerun.StandardOutput);
        var (uploaded, skipped) = (Count(rerun.StandardOutput, "Files uploaded:"), Count(rerun.StandardOutput, "Files skipped:"));
        Assert.Equal(13, uploaded + skipped);
        Assert.InRange(skipped, before, 12); // what was there is not sent again; the big file never was
        Assert.Equal(14, await CountAsync(incoming, prefix));
    }

    [Fact]
    public void Bad_arguments_exit_2_with_a_reason()
    {
        var file = Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm");
        var empty = TestData.NewScratchDirectory("upload-empty");
        var cases = new (string[] Arguments, string Reason)[]
        {
            (["upload", empty, "--tenant", _tenant, "--connection-string", azurite.ConnectionString], "no files to upload"),
            (["upload", file, "--tenant", _tenant], "say where to upload"),
            (["upload", file, "--tenant", _tenant, "--connection-string", azurite.ConnectionString, "--account-url", "https://x.blob.core.windows.net"], "give one of"),
            (["upload", file + ".missing", "--tenant", _tenant, "--connection-string", azurite.ConnectionString], "no file or folder"),
            (["upload", file, "--tenant", "a/b", "--connection-string", azurite.ConnectionString], "--tenant must be"),
            (["upload", file, "--tenant", _tenant, "--sas-url", "https://x.blob.core.windows.net/incoming"], "no signature"),
        };
        foreach (var (arguments, reason) in cases)
        {
            var result = RunTelerad(arguments, (UploadCommandVariable, null));
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
        }
    }

    private const string UploadCommandVariable = "TELERAD_STORAGE_CONNECTION_STRING";

    private static int Count(string receipt, string label) =>
        int.Parse(Regex.Match(receipt, Regex.Escape(label) + @"\s+(\d+) ").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> CountAsync(BlobContainerClient container, string prefix)
    {
        var count = 0;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            count++;
        }

        return count;
    }

    private static (int ExitCode, string StandardOutput, string StandardError) RunTelerad(string[] arguments, params (string Name, string? Value)[] environment)
    {
        using var process = Process.Start(StartInfo(arguments, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("telerad upload did not finish in 2 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static ProcessStartInfo StartInfo(string[] arguments, params (string Name, string? Value)[] environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "telerad.dll");
        Assert.True(File.Exists(dll), "telerad.dll is built next to the tests");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove(UploadCommandVariable); // only what the test gives
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    [GeneratedRegex(@"^Upload (\S+) \(tenant ", RegexOptions.Multiline)]
    private static partial Regex ReceiptUploadId();
}
