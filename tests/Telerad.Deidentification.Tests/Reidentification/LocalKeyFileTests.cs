using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests.Reidentification;

public sealed class LocalKeyFileTests : IDisposable
{
    private readonly string _dir = Planted.TempDirectory();

    private string KeyPath => Path.Combine(_dir, "config", "keys.json");

    [Fact]
    public void First_use_creates_an_owner_only_file_with_random_keys_for_the_tenant()
    {
        var file = new LocalKeyFile(KeyPath);
        Assert.False(File.Exists(KeyPath));

        var keys = file.GetKeys("tenant-a");

        Assert.True(file.CreatedFile);
        Assert.Equal(KeyPath, file.Path);
        Assert.Equal("600", Planted.PermissionsOf(KeyPath));
        Assert.Equal("700", Planted.PermissionsOf(Path.GetDirectoryName(KeyPath)!));
        Assert.Equal("tenant-a", keys.TenantId);
        Assert.NotEqual(keys.PseudonymKey, keys.MapEncryptionKey);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(KeyPath)!, "*.tmp"));

        // Python reads the file as documented: base64 keys of 32 bytes whose SHA-256 prefixes are the key ids.
        const string script = """
            import sys, json, base64, hashlib
            doc = json.load(open(sys.argv[1]))
            assert doc['format'] == 'telerad-deidentification-keys' and doc['version'] == 1
            t = doc['tenants']['tenant-a']
            p = base64.b64decode(t['pseudonymKey'], validate=True); m = base64.b64decode(t['mapEncryptionKey'], validate=True)
            assert len(p) == 32 and len(m) == 32
            print(hashlib.sha256(p).hexdigest()[:16], hashlib.sha256(m).hexdigest()[:16])
            """;
        var result = ExternalTool.Run("/usr/bin/python3", ["-c", script, KeyPath]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal($"{keys.PseudonymKeyId} {keys.MapEncryptionKeyId}", result.StandardOutput.Trim());
    }

    [Fact]
    public void A_second_instance_reuses_the_file_and_the_keys()
    {
        var first = new LocalKeyFile(KeyPath).GetKeys("tenant-a");
        var before = File.ReadAllBytes(KeyPath);

        var file = new LocalKeyFile(KeyPath);
        var again = file.GetKeys("tenant-a");

        Assert.False(file.CreatedFile);
        Assert.Equal(first.PseudonymKey, again.PseudonymKey);
        Assert.Equal(first.MapEncryptionKey, again.MapEncryptionKey);
        Assert.Equal(before, File.ReadAllBytes(KeyPath));
    }

    [Fact]
    public void Two_tenants_get_different_keys_and_adding_one_keeps_the_other()
    {
        var file = new LocalKeyFile(KeyPath);
        var a = file.GetKeys("tenant-a");
        var b = new LocalKeyFile(KeyPath).GetKeys("tenant-b");

        Assert.NotEqual(a.PseudonymKey, b.PseudonymKey);
        Assert.NotEqual(a.MapEncryptionKey, b.MapEncryptionKey);
        Assert.NotEqual(a.MapEncryptionKeyId, b.MapEncryptionKeyId);
        Assert.Equal(a.MapEncryptionKey, new LocalKeyFile(KeyPath).GetKeys("tenant-a").MapEncryptionKey);
        Assert.Equal("600", Planted.PermissionsOf(KeyPath));
    }

    [Fact]
    public void Many_instances_racing_on_a_new_file_agree_on_one_key_set_per_tenant()
    {
        // Each instance has its own file handles, so the lock and the create race are the ones two processes
        // see. Threads start together and each asks for every tenant, in different orders.
        const int count = 12;
        var files = Enumerable.Range(0, count).Select(_ => new LocalKeyFile(KeyPath)).ToArray();
        var tenants = new[] { "t1", "t2", "t3" };
        var results = new DeidentificationKeys[count][];
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            start.Wait();
            results[i] = tenants.Skip(i % 3).Concat(tenants.Take(i % 3)).Select(files[i].GetKeys).ToArray();
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        var onDisk = new LocalKeyFile(KeyPath);
        foreach (var tenant in results.SelectMany(r => r).GroupBy(k => k.TenantId))
        {
            var keys = onDisk.GetKeys(tenant.Key);
            Assert.All(tenant, k => Assert.Equal(keys.MapEncryptionKeyId, k.MapEncryptionKeyId));
            Assert.All(tenant, k => Assert.Equal(keys.PseudonymKeyId, k.PseudonymKeyId));
        }

        Assert.Single(files, f => f.CreatedFile);
    }

    [Fact]
    public void Adding_a_tenant_waits_while_another_process_holds_the_lock()
    {
        // Another process (python, flock(2)) holds the key file's lock for a second; the key file must wait for it.
        Directory.CreateDirectory(Path.GetDirectoryName(KeyPath)!);
        const string script = """
            import fcntl, sys, time
            f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX)
            print('locked', flush=True); time.sleep(1.0)
            """;
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", script, KeyPath + ".lock" })
        {
            info.ArgumentList.Add(argument);
        }

        using var holder = System.Diagnostics.Process.Start(info)!;
        Assert.Equal("locked", holder.StandardOutput.ReadLine());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        new LocalKeyFile(KeyPath).GetKeys("tenant-a");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"took {clock.Elapsed}");
        Assert.True(holder.WaitForExit(10_000));
    }

    public static TheoryData<string, string> CorruptFiles => new()
    {
        { "SECRETSECRET not json", "not valid JSON" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":{\"pseudonymKey\":\"SECRETSECRET", "not valid JSON" },
        { "", "not valid JSON" },
        { "{\"format\":\"something-else\",\"version\":1,\"tenants\":{}}", "not a telerad-deidentification-keys file" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":9,\"tenants\":{}}", "format version 9" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1}", "no \"tenants\"" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":{\"pseudonymKey\":\"SECRETSECRET!!\",\"mapEncryptionKey\":\"AAAA\"}}}", "\"pseudonymKey\" is not 32 bytes of base64" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":{\"pseudonymKey\":\"" + Convert.ToBase64String(new byte[32]) + "\",\"mapEncryptionKey\":\"" + Convert.ToBase64String(new byte[16]) + "\"}}}", "\"mapEncryptionKey\" is not 32 bytes" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":{\"pseudonymKey\":\"" + Convert.ToBase64String(new byte[32]) + "\",\"mapEncryptionKey\":\"" + Convert.ToBase64String(new byte[32]) + "\"}}}", "must differ" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":null}}", "\"pseudonymKey\" is not 32 bytes" },
        { "[\"SECRETSECRET\"]", "not valid JSON for a key file (the top level is not a JSON object)" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":\"1\",\"tenants\":{}}", "\"version\" is not an integer" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1.5,\"tenants\":{}}", "\"version\" is not an integer" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":[\"SECRETSECRET\"]}", "\"tenants\" is not a JSON object" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":{\"pseudonymKey\":7,\"mapEncryptionKey\":\"AAAA\"}}}", "\"pseudonymKey\" is not a string" },
        { "{\"format\":\"telerad-deidentification-keys\",\"version\":1,\"tenants\":{\"tenant-a\":{\"pseudonymKey\":\"SECRETSECRET\",\"created\":\"SECRETSECRET\"}}}", "\"created\" is not an ISO 8601 date" },
        { "null", "not a telerad-deidentification-keys file" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_corrupt_file_fails_with_a_clear_error_that_quotes_no_key_material(string content, string reason)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyPath)!);
        File.WriteAllText(KeyPath, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var before = File.ReadAllBytes(KeyPath);

        var error = Assert.Throws<InvalidDataException>(() => new LocalKeyFile(KeyPath).GetKeys("tenant-a"));

        Assert.Contains(KeyPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.Equal(before, File.ReadAllBytes(KeyPath)); // a corrupt file is never overwritten
    }

    [Fact]
    public void The_keys_in_the_file_are_the_keys_handed_out()
    {
        var keys = new LocalKeyFile(KeyPath).GetKeys("tenant-a");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(KeyPath));
        var tenant = doc.RootElement.GetProperty("tenants").GetProperty("tenant-a");

        Assert.Equal(keys.PseudonymKey, Convert.FromBase64String(tenant.GetProperty("pseudonymKey").GetString()!));
        Assert.Equal(keys.MapEncryptionKey, Convert.FromBase64String(tenant.GetProperty("mapEncryptionKey").GetString()!));
    }

    [Fact]
    public void Adding_a_tenant_rewrites_the_others_unchanged_and_ignores_unknown_properties()
    {
        var a = new LocalKeyFile(KeyPath).GetKeys("tenant-a");
        var created = JsonNode.Parse(File.ReadAllText(KeyPath))!["tenants"]!["tenant-a"]!["created"]!.GetValue<string>();
        var withExtra = JsonNode.Parse(File.ReadAllText(KeyPath))!;
        withExtra["comment"] = "written by hand";
        withExtra["tenants"]!["tenant-a"]!["note"] = "also by hand";
        File.WriteAllText(KeyPath, withExtra.ToJsonString());

        new LocalKeyFile(KeyPath).GetKeys("tenant-b");

        var tenantA = JsonNode.Parse(File.ReadAllText(KeyPath))!["tenants"]!["tenant-a"]!;
        Assert.Equal(Convert.ToBase64String(a.PseudonymKey), tenantA["pseudonymKey"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(a.MapEncryptionKey), tenantA["mapEncryptionKey"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse(created, CultureInfo.InvariantCulture), DateTimeOffset.Parse(tenantA["created"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.Equal(a.PseudonymKeyId, new LocalKeyFile(KeyPath).GetKeys("tenant-a").PseudonymKeyId);
    }

    [Fact]
    public void A_file_saved_by_an_editor_with_a_byte_order_mark_still_reads()
    {
        var keys = new LocalKeyFile(KeyPath).GetKeys("tenant-a");
        File.WriteAllText(KeyPath, File.ReadAllText(KeyPath), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(KeyPath)[0]);

        Assert.Equal(keys.MapEncryptionKey, new LocalKeyFile(KeyPath).GetKeys("tenant-a").MapEncryptionKey);
    }

    [Theory]
    [InlineData("../other")]
    [InlineData("")]
    [InlineData("tenant a")]
    public void Tenant_ids_that_are_not_opaque_ids_are_refused(string tenant)
    {
        Assert.Throws<ArgumentException>(() => new LocalKeyFile(KeyPath).GetKeys(tenant));
        Assert.False(File.Exists(KeyPath));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
