using System.Diagnostics;
using Telerad.Dicom.Tests;

namespace Telerad.Samples.Tests;

/// <summary>The default sample set (seed 1, small), generated once for the tests that only read it.</summary>
public sealed class SampleSetFixture : IDisposable
{
    public SampleSetFixture()
    {
        Root = TestData.NewScratchDirectory("samples");
        var clock = Stopwatch.StartNew();
        Studies = SampleStudyGenerator.Generate(Root);
        Elapsed = clock.Elapsed;
    }

    public string Root { get; }

    public IReadOnlyList<GeneratedSampleStudy> Studies { get; }

    /// <summary>Wall time of the first generation in this process (JIT included).</summary>
    public TimeSpan Elapsed { get; }

    public GeneratedSampleStudy Study(string folder) => Studies.Single(s => s.Descriptor.Folder == folder);

    /// <summary>Every instance file with the study it belongs to, in study then Instance Number order.</summary>
    public IEnumerable<(GeneratedSampleStudy Study, string Path)> Instances() =>
        Studies.SelectMany(s => s.Descriptor.Files.Select(f => (s, System.IO.Path.Combine(s.Directory, f))));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class SampleSetCollection : ICollectionFixture<SampleSetFixture>
{
    public const string Name = "sample set";
}
