namespace Telerad.Infrastructure.Tests;

/// <summary>Paths in the source tree the tests read (templates, fixtures, host.json).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string TestProject => Path.Combine(Root, "tests", "Telerad.Infrastructure.Tests");

    public static string BrokenFixtures => Path.Combine(TestProject, "Broken");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TeleradFunctions.sln")) && Directory.Exists(Path.Combine(directory.FullName, "infra")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (TeleradFunctions.sln with infra/) above {AppContext.BaseDirectory}.");
    }
}
