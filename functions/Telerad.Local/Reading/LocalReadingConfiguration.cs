using System.Reflection;
using Telerad.Reading.Configuration;

namespace Telerad.Local;

/// <summary>
/// The reading configuration of the local runtime: a folder (<see cref="LocalOptions.ReadingConfigFolder"/>, default
/// {data}/config). When the folder has no tenants.json it is seeded with the demo documents shipped in this assembly
/// (tenant "demo", two readers on shift around the clock, an operations desk), so `telerad demo` reads studies out of
/// the box; an operator's own documents are never overwritten.
/// </summary>
public static class LocalReadingConfiguration
{
    public static FolderReadingConfigurationStore Open(LocalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = options.EffectiveReadingConfigFolder;
        Directory.CreateDirectory(folder);
        if (!File.Exists(Path.Combine(folder, ReadingConfigurationLoader.TenantsDocument)))
        {
            foreach (var name in new[] { ReadingConfigurationLoader.TenantsDocument, ReadingConfigurationLoader.RadiologistsDocument, ReadingConfigurationLoader.OperationsDocument })
            {
                using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("Telerad.Local.demo-config." + name)
                    ?? throw new InvalidOperationException($"The demo reading document {name} is not in the build.");
                using var file = new FileStream(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write);
                resource.CopyTo(file);
            }
        }

        return new FolderReadingConfigurationStore(folder);
    }
}
