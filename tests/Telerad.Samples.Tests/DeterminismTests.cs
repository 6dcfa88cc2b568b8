using Telerad.Dicom.Tests;

namespace Telerad.Samples.Tests;

/// <summary>Everything follows from the seed: the same seed writes the same bytes, another seed other UIDs.</summary>
public sealed class DeterminismTests : IDisposable
{
    private readonly List<string> _folders = [];

    [Fact]
    public void The_same_seed_writes_byte_identical_files()
    {
        var first = Generate(42);
        var second = Generate(42);
        var files = Files(first);
        Assert.Equal(files, Files(second));
        Assert.Equal(93 + 4, files.Count); // 40 + 40 + 1 + 12 instances and four study.json
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(first, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, file))), $"{file} differs");
        }
    }

    [Fact]
    public void Another_seed_gives_other_uids_identifiers_and_lesion()
    {
        var first = Generate(42);
        var second = Generate(43);
        var uidsFirst = Uids(first);
        var uidsSecond = Uids(second);
        // SOP instances, studies, series and frames of reference (the CR has none): all distinct within a set.
        Assert.Equal(93 + 4 + 4 + 3, uidsFirst.Count);
        Assert.Equal(uidsFirst.Count, uidsSecond.Count);
        Assert.Empty(uidsFirst.Intersect(uidsSecond));

        var lesionFirst = SampleStudyDescriptor.Load(Path.Combine(first, "ct-head-lesion", SampleStudyDescriptor.FileName));
        var lesionSecond = SampleStudyDescriptor.Load(Path.Combine(second, "ct-head-lesion", SampleStudyDescriptor.FileName));
        Assert.NotEqual(lesionFirst.PatientId, lesionSecond.PatientId);
        Assert.NotEqual(lesionFirst.Lesion!.CentreMm, lesionSecond.Lesion!.CentreMm);
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string Generate(long seed)
    {
        var folder = TestData.NewScratchDirectory("samples-seed");
        _folders.Add(folder);
        SampleStudyGenerator.Generate(folder, new SampleOptions { Seed = seed });
        return folder;
    }

    private static List<string> Files(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];

    /// <summary>Every SOP Instance, Study, Series and Frame of Reference UID in the files, as read back.</summary>
    private static HashSet<string> Uids(string root)
    {
        var uids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "*.dcm", SearchOption.AllDirectories))
        {
            using var file = DicomFile.Open(path);
            foreach (var tag in new[] { DicomTags.SOPInstanceUID, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID, DicomTags.FrameOfReferenceUID })
            {
                if (file.Dataset.GetUid(tag) is { Length: > 0 } uid)
                {
                    uids.Add(uid);
                }
            }
        }

        return uids;
    }
}
