namespace Telerad.Infrastructure.Tests;

/// <summary>
/// Every parameter file's predicted deployment, computed once for all test classes: infra/dev, infra/prod,
/// infra/main (azd's, with its defaults) and Templates/all-options (every optional part on).
/// </summary>
public sealed class EnvironmentsFixture : IDisposable
{
    public static readonly string[] Names = ["dev", "prod", "main", "all-options"];

    private readonly TemplateWorkspace _workspace;
    private readonly Dictionary<string, Deployment> _deployments;

    public EnvironmentsFixture()
    {
        _workspace = TemplateWorkspace.CopyOfRepository();
        File.Copy(Path.Combine(Repository.TestProject, "Templates", "all-options.bicepparam"), Path.Combine(_workspace.Root, "infra", "all-options.bicepparam"));
        // Two at a time: the machine has two cores and each snapshot is one CPU-bound process.
        var deployments = new Dictionary<string, Deployment>(StringComparer.Ordinal);
        foreach (var pair in Names.Chunk(2))
        {
            var tasks = pair.Select(name => Task.Run(() => _workspace.Deploy(Path.Combine("infra", name + ".bicepparam")))).ToArray();
            Task.WaitAll(tasks);
            foreach (var task in tasks)
            {
                deployments[task.Result.Environment] = task.Result;
            }
        }

        _deployments = deployments;
    }

    internal TemplateWorkspace Workspace => _workspace;

    internal Deployment this[string name] => _deployments[name];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    public void Dispose() => _workspace.Dispose();
}

[CollectionDefinition(Name)]
public sealed class EnvironmentsCollection : ICollectionFixture<EnvironmentsFixture>
{
    public const string Name = "environments";
}
