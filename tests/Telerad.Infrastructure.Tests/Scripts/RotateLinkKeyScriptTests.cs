using System.Diagnostics;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Telerad.Azure;
using Telerad.Notifications;

namespace Telerad.Infrastructure.Tests;

/// <summary>
/// infra/scripts/rotate-link-key.sh, run for real (sh, openssl) against a fake <c>az</c> (Scripts/fake-az.sh: Key
/// Vault does not run here) whose stored versions the app's own loader (KeyVaultLinkSigningKeys) then reads through a
/// fake SecretClient. So what the script writes is what the app accepts, and a rotation keeps links already sent valid.
/// </summary>
public sealed class RotateLinkKeyScriptTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("telerad-rotate-").FullName;

    private string State => Path.Combine(_root, "state");

    private string Temp => Path.Combine(_root, "tmp");

    public RotateLinkKeyScriptTests()
    {
        Directory.CreateDirectory(State);
        Directory.CreateDirectory(Temp);
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        var az = Path.Combine(_root, "bin", "az");
        File.Copy(Path.Combine(Repository.TestProject, "Scripts", "fake-az.sh"), az);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void With_a_fake_az_the_first_run_creates_32_random_bytes_the_app_loads_and_never_prints_them()
    {
        var run = Rotate();

        Assert.Equal(0, run.ExitCode);
        var version = Assert.Single(Versions());
        Assert.Equal(32, Convert.FromBase64String(version.Value).Length);
        Assert.Equal("telerad-link-key;base64;32", version.ContentType);
        Assert.StartsWith("created link-signing-key", run.Output, StringComparison.Ordinal);
        AssertNoValueLeaked(run);

        var keys = KeyVaultLinkSigningKeys.Load(new FakeSecretClient(Versions()));
        Assert.Equal("kv" + version.Version[..12], keys.CurrentKeyId);
        Assert.True(keys.TryGet(keys.CurrentKeyId, out var key));
        Assert.Equal(Convert.FromBase64String(version.Value), key);
    }

    [Fact]
    public void With_a_fake_az_a_rotation_signs_with_the_new_version_and_still_verifies_links_signed_before()
    {
        Assert.Equal(0, Rotate().ExitCode);
        var before = new LinkTokens(KeyVaultLinkSigningKeys.Load(new FakeSecretClient(Versions())), TimeProvider.System);
        var sent = before.Issue(Claims());

        var run = Rotate();

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("rotated link-signing-key", run.Output, StringComparison.Ordinal);
        var versions = Versions();
        Assert.Equal(2, versions.Count);
        Assert.NotEqual(versions[0].Value, versions[1].Value);
        Assert.All(versions, v => Assert.True(v.Enabled));
        AssertNoValueLeaked(run);
        var after = new LinkTokens(KeyVaultLinkSigningKeys.Load(new FakeSecretClient(versions)), TimeProvider.System);
        Assert.Equal(Claims(), after.Verify(sent, "rad-1", "2.25.42", LinkActions.Accept));
        Assert.StartsWith("kv" + versions[1].Version[..12] + ".", after.Issue(Claims()), StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_fake_az_revoke_disables_every_other_version_so_links_signed_before_are_refused()
    {
        Assert.Equal(0, Rotate().ExitCode);
        Assert.Equal(0, Rotate().ExitCode);
        var sent = new LinkTokens(KeyVaultLinkSigningKeys.Load(new FakeSecretClient(Versions())), TimeProvider.System).Issue(Claims());

        var run = Rotate("--revoke");

        Assert.Equal(0, run.ExitCode);
        var versions = Versions();
        Assert.Equal([false, false, true], versions.Select(v => v.Enabled));
        AssertNoValueLeaked(run);
        var after = new LinkTokens(KeyVaultLinkSigningKeys.Load(new FakeSecretClient(versions)), TimeProvider.System);
        Assert.Equal(LinkTokenException.UnknownKey, Assert.Throws<LinkTokenException>(() => after.Verify(sent, "rad-1", "2.25.42", LinkActions.Accept)).Code);
    }

    [Fact]
    public void An_unknown_option_is_refused_before_anything_is_written()
    {
        var run = Rotate("--force");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(Versions());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static LinkClaims Claims() => new("hospital-a", "2.25.42", "rad-1", LinkActions.Accept, new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>No secret value in the output or on any az command line, and no temporary file left behind.</summary>
    private void AssertNoValueLeaked(ScriptRun run)
    {
        var calls = File.ReadAllText(Path.Combine(State, "calls.log"));
        foreach (var version in Versions())
        {
            Assert.DoesNotContain(version.Value, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(version.Value, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(version.Value, calls, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
    }

    private ScriptRun Rotate(params string[] options)
    {
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "infra", "scripts", "rotate-link-key.sh"));
        start.ArgumentList.Add("kv-test");
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        start.Environment["PATH"] = Path.Combine(_root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_AZ_STATE"] = State;
        start.Environment["TMPDIR"] = Temp;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("rotate-link-key.sh did not finish in 30 s.");
        }

        return new ScriptRun(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The versions the fake az stored, oldest first.</summary>
    private List<StoredVersion> Versions() =>
    [
        .. Directory.EnumerateFiles(State, "*.value").Select(file =>
        {
            var version = Path.GetFileNameWithoutExtension(file);
            string Read(string extension) => File.ReadAllText(Path.Combine(State, version + extension)).Trim();
            return new StoredVersion(version, File.ReadAllText(file), Read(".enabled") == "true", int.Parse(Read(".order"), System.Globalization.CultureInfo.InvariantCulture), Read(".type"));
        }).OrderBy(v => v.Order),
    ];

    private sealed record ScriptRun(int ExitCode, string Output, string Error);

    private sealed record StoredVersion(string Version, string Value, bool Enabled, int Order, string ContentType);

    /// <summary>Key Vault as the loader sees it, over the fake az's versions (the current one is the newest).</summary>
    private sealed class FakeSecretClient(IReadOnlyList<StoredVersion> versions) : SecretClient
    {
        public override Response<KeyVaultSecret> GetSecret(string name, string? version = null, CancellationToken cancellationToken = default)
        {
            var stored = version is null ? versions[^1] : versions.Single(v => v.Version == version);
            return Response.FromValue(SecretModelFactory.KeyVaultSecret(Properties(name, stored), stored.Value), null!);
        }

        public override Pageable<SecretProperties> GetPropertiesOfSecretVersions(string name, CancellationToken cancellationToken = default) =>
            Pageable<SecretProperties>.FromPages([Page<SecretProperties>.FromValues([.. versions.Select(v => Properties(name, v))], null, null!)]);

        private static SecretProperties Properties(string name, StoredVersion stored)
        {
            var properties = SecretModelFactory.SecretProperties(
                id: new Uri($"https://kv-test.vault.azure.net/secrets/{name}/{stored.Version}"), vaultUri: new Uri("https://kv-test.vault.azure.net/"),
                name: name, version: stored.Version, createdOn: Created.AddMinutes(stored.Order));
            properties.Enabled = stored.Enabled;
            return properties;
        }
    }
}
