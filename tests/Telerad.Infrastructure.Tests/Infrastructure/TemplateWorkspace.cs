namespace Telerad.Infrastructure.Tests;

/// <summary>
/// A scratch copy of the templates (infra/, bicep/, bicepconfig.json) where `bicep snapshot` may write its output
/// files, or a folder of one broken fixture (without bicepconfig.json: the linter's defaults, so the deliberately
/// broken template still compiles and the test's own invariant is what must catch it).
/// </summary>
internal sealed class TemplateWorkspace : IDisposable
{
    private TemplateWorkspace(string root) => Root = root;

    public string Root { get; }

    public static TemplateWorkspace CopyOfRepository()
    {
        var workspace = new TemplateWorkspace(Directory.CreateTempSubdirectory("telerad-infra-").FullName);
        CopyDirectory(Path.Combine(Repository.Root, "infra"), Path.Combine(workspace.Root, "infra"));
        CopyDirectory(Path.Combine(Repository.Root, "bicep"), Path.Combine(workspace.Root, "bicep"));
        File.Copy(Path.Combine(Repository.Root, "bicepconfig.json"), Path.Combine(workspace.Root, "bicepconfig.json"));
        return workspace;
    }

    public static TemplateWorkspace ForBrokenFixture(string fixture)
    {
        var workspace = new TemplateWorkspace(Directory.CreateTempSubdirectory("telerad-broken-").FullName);
        File.Copy(Path.Combine(Repository.BrokenFixtures, fixture + ".bicep"), Path.Combine(workspace.Root, "main.bicep"));
        File.WriteAllText(Path.Combine(workspace.Root, "main.bicepparam"), "using 'main.bicep'\n");
        return workspace;
    }

    /// <summary>Snapshot and build-params of one parameter file (path relative to the workspace).</summary>
    public Deployment Deploy(string parameterFile, string? resourceGroup = null)
    {
        var full = Path.Combine(Root, parameterFile);
        var arguments = new List<string> { "snapshot", full, "--mode", "overwrite", "--subscription-id", Deployment.SubscriptionId, "--tenant-id", Deployment.TenantId, "--location", "westeurope" };
        if (resourceGroup is not null)
        {
            arguments.AddRange(["--resource-group", resourceGroup]);
        }

        var snapshot = BicepCli.Run(Root, [.. arguments]);
        if (snapshot.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep snapshot {parameterFile} failed: {snapshot}");
        }

        var built = BicepCli.Run(Root, "build-params", full, "--stdout");
        if (built.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build-params {parameterFile} failed: {built}");
        }

        var snapshotFile = Path.ChangeExtension(full, ".snapshot.json");
        return Deployment.Load(Path.GetFileNameWithoutExtension(parameterFile), File.ReadAllText(snapshotFile), built.StandardOutput);
    }

    public static Deployment DeployBroken(string fixture)
    {
        using var workspace = ForBrokenFixture(fixture);
        return workspace.Deploy("main.bicepparam", resourceGroup: "rg-broken");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is harmless.
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
