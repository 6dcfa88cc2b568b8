using Telerad.Samples.Phantoms;
using Telerad.Samples.Studies;

namespace Telerad.Samples;

/// <summary>
/// Writes synthetic sample studies with fake identifiers, each in its own folder named for what it is:
/// <c>ct-head-lesion</c> (CT head with a hyperdense intraparenchymal lesion), <c>ct-head-normal</c> (the same
/// anatomy without it), <c>chest-cr</c> (a PA chest radiograph) and <c>mr-brain</c> (a T1-weighted MR of the
/// brain), each with a <c>study.json</c> describing it. Everything follows from the seed: the same seed
/// gives byte-identical files.
/// </summary>
public static class SampleStudyGenerator
{
    public static IReadOnlyList<string> Folders { get; } =
        [CtHeadStudy.LesionFolder, CtHeadStudy.NormalFolder, ChestCrStudy.Folder, MrBrainStudy.Folder];

    /// <summary>
    /// Generates the sample set under <paramref name="directory"/> (created if missing). A folder that is
    /// not empty is refused unless <see cref="SampleOptions.Overwrite"/>, which replaces the studies' own
    /// files (*.dcm and study.json in their folders) and leaves everything else alone.
    /// </summary>
    /// <exception cref="SampleDirectoryNotEmptyException">The folder is not empty and overwriting was not asked for.</exception>
    public static IReadOnlyList<GeneratedSampleStudy> Generate(string directory, SampleOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new SampleOptions();
        var dimensions = options.Dimensions;
        dimensions.Validate();
        Prepare(directory, options.Overwrite);

        var seed = options.Seed;
        // One head for both CT studies (and the MR), so the lesion is the only difference between them.
        var anatomy = HeadAnatomy.Create(seed);
        var lesion = HeadLesion.Place(seed, anatomy, CtHeadStudy.LesionLowestZ, CtHeadStudy.LesionHighestZ);
        return
        [
            Write(directory, CtHeadStudy.LesionFolder, folder => CtHeadStudy.Write(folder, seed, dimensions, anatomy, lesion)),
            Write(directory, CtHeadStudy.NormalFolder, folder => CtHeadStudy.Write(folder, seed, dimensions, anatomy, lesion: null)),
            Write(directory, ChestCrStudy.Folder, folder => ChestCrStudy.Write(folder, seed, dimensions)),
            Write(directory, MrBrainStudy.Folder, folder => MrBrainStudy.Write(folder, seed, dimensions, anatomy)),
        ];
    }

    private static GeneratedSampleStudy Write(string root, string name, Func<string, SampleStudyDescriptor> write)
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        var descriptor = write(folder);
        descriptor.Save(Path.Combine(folder, SampleStudyDescriptor.FileName));
        var bytes = descriptor.Files.Sum(file => new FileInfo(Path.Combine(folder, file)).Length);
        return new GeneratedSampleStudy(folder, bytes, descriptor);
    }

    private static void Prepare(string directory, bool overwrite)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            if (!overwrite)
            {
                throw new SampleDirectoryNotEmptyException($"{directory} is not empty.");
            }

            // Only the sample studies' own files: a smaller set must not leave stale slices of a larger one.
            foreach (var name in Folders)
            {
                var folder = Path.Combine(directory, name);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(folder, "*.dcm").Append(Path.Combine(folder, SampleStudyDescriptor.FileName)))
                {
                    File.Delete(file);
                }
            }
        }

        Directory.CreateDirectory(directory);
    }
}
