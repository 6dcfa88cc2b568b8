using Telerad.Dicom.Generator;

// Usage: dotnet run --project tools/Telerad.Dicom.Generator [repository-root]
var root = args.Length > 0 ? args[0] : FindRepositoryRoot(Directory.GetCurrentDirectory());
var standard = Path.Combine(root, "functions", "Telerad.Dicom", "Standard");
var output = Path.Combine(root, "functions", "Telerad.Dicom", "Dictionary");
Directory.CreateDirectory(output);
foreach (var (name, content) in DictionaryGenerator.Generate(standard))
{
    var path = Path.Combine(output, name);
    File.WriteAllText(path, content);
    Console.WriteLine($"wrote {path}");
}

static string FindRepositoryRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "TeleradFunctions.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository or pass its root.");
}
