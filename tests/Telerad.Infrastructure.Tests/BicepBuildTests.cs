namespace Telerad.Infrastructure.Tests;

/// <summary>`bicep build`, `bicep lint` and `bicep build-params` of every file, with zero warnings.</summary>
[Collection(EnvironmentsCollection.Name)]
public sealed class BicepBuildTests(EnvironmentsFixture environments)
{
    public static TheoryData<string> TemplateFolders() => new() { "infra", "bicep/modules" };

    [Theory]
    [MemberData(nameof(TemplateFolders))]
    public void Every_template_builds_with_zero_warnings(string folder)
    {
        var output = Directory.CreateTempSubdirectory("telerad-bicep-build-").FullName;
        try
        {
            var result = BicepCli.Run(environments.Workspace.Root, "build", "--pattern", folder + "/*.bicep", "--outdir", output);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Empty(result.Diagnostics);
            var expected = Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.bicep").Select(f => Path.GetFileNameWithoutExtension(f) + ".json").Order().ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Directory.EnumerateFiles(output, "*.json").Select(f => Path.GetFileName(f)).Order().ToList());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TemplateFolders))]
    public void Every_template_lints_with_zero_warnings(string folder)
    {
        var result = BicepCli.Run(environments.Workspace.Root, "lint", "--pattern", folder + "/*.bicep");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Every_parameter_file_builds_with_zero_warnings()
    {
        var output = Directory.CreateTempSubdirectory("telerad-bicep-params-").FullName;
        try
        {
            var result = BicepCli.Run(environments.Workspace.Root, "build-params", "--pattern", "infra/*.bicepparam", "--outdir", output);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Empty(result.Diagnostics);
            // Every repository parameter file (plus the test's all-options copy) produced its parameters JSON.
            var expected = Directory.EnumerateFiles(Path.Combine(Repository.Root, "infra"), "*.bicepparam").Select(f => Path.GetFileNameWithoutExtension(f) + ".json").Append("all-options.json").Order().ToList();
            Assert.True(expected.Count >= 3, "dev, prod and azd's main parameter files");
            Assert.Equal(expected, Directory.EnumerateFiles(output, "*.json").Select(f => Path.GetFileName(f)).Order().ToList());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Templates that break the rules that matter, one per rule (compiled together: one process).</summary>
    private static readonly Dictionary<string, string> RuleBreakers = new(StringComparer.Ordinal)
    {
        ["no-unused-params"] = "param unused string\n",
        ["outputs-should-not-contain-secrets"] = "param location string\nresource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {\n  name: 'st${location}'\n}\noutput key string = account.listKeys().keys[0].value\n",
        ["secure-secrets-in-params"] = "param adminPassword string\noutput length int = length(adminPassword)\n",
        ["no-hardcoded-location"] = "resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'id'\n  location: 'westeurope'\n}\n",
        ["no-hardcoded-env-urls"] = "output endpoint string = 'https://example.blob.core.windows.net/'\n",
    };

    /// <summary>bicepconfig.json makes the rules that matter errors: a template that breaks one does not build.</summary>
    [Fact]
    public void The_bicep_configuration_turns_important_rules_into_errors()
    {
        var folder = Path.Combine(environments.Workspace.Root, "bicep", "scratch-rules");
        Directory.CreateDirectory(folder);
        foreach (var (rule, template) in RuleBreakers)
        {
            File.WriteAllText(Path.Combine(folder, rule + ".bicep"), template);
        }

        var result = BicepCli.Run(environments.Workspace.Root, "lint", "--pattern", "bicep/scratch-rules/*.bicep");

        Assert.NotEqual(0, result.ExitCode);
        Assert.All(RuleBreakers.Keys, rule => Assert.Contains(result.Diagnostics, d => d.Contains($"{rule}.bicep(", StringComparison.Ordinal) && d.Contains($" : Error {rule}:", StringComparison.Ordinal)));
    }
}
