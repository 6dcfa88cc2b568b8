using Telerad.Dicom.Tests;
using Telerad.Samples.Phantoms;
using Telerad.Samples.Studies;
using Xunit.Abstractions;

namespace Telerad.Samples.Tests;

[Collection(SampleSetCollection.Name)]
public class GeneratorBehaviourTests(SampleSetFixture samples, ITestOutputHelper output)
{
    [Fact]
    public void The_default_set_is_four_studies_under_20_MB_written_in_under_5_seconds()
    {
        Assert.Equal(["ct-head-lesion", "ct-head-normal", "chest-cr", "mr-brain"], samples.Studies.Select(s => s.Descriptor.Folder));
        Assert.All(samples.Studies, s => Assert.Equal(s.Descriptor.Folder, Path.GetFileName(s.Directory)));
        var bytes = Directory.EnumerateFiles(samples.Root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"{bytes / 1e6:0.0} MB in {samples.Elapsed.TotalSeconds:0.00} s");
        Assert.True(bytes < 20_000_000, $"{bytes} bytes");
        Assert.True(samples.Elapsed < TimeSpan.FromSeconds(5), $"took {samples.Elapsed}");
        var lesion = samples.Study("ct-head-lesion").Descriptor;
        Assert.Equal((40, 256, 256), (lesion.Instances, lesion.Rows, lesion.Columns));
        Assert.Equal("intracranial-hyperdensity", lesion.ExpectedFinding);
        Assert.True(lesion.Critical);
        Assert.All(samples.Studies.Skip(1), s => Assert.Equal("none", s.Descriptor.ExpectedFinding));
    }

    [Fact]
    public void A_folder_that_is_not_empty_is_refused_unless_overwriting_which_replaces_only_the_samples_own_files()
    {
        var root = TestData.NewScratchDirectory("samples-overwrite");
        try
        {
            File.WriteAllText(Path.Combine(root, "notes.txt"), "mine");
            Assert.Throws<SampleDirectoryNotEmptyException>(() => SampleStudyGenerator.Generate(root));
            Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName));

            var small = new SampleDimensions(64, 12, 64, 2, 128, 100);
            SampleStudyGenerator.Generate(root, new SampleOptions { Overwrite = true, Dimensions = small with { CtSlices = 20 } });
            Assert.Equal(20, Directory.EnumerateFiles(Path.Combine(root, "ct-head-lesion"), "*.dcm").Count());

            // Fewer slices the second time: no stale slice of the first set is left behind.
            SampleStudyGenerator.Generate(root, new SampleOptions { Overwrite = true, Dimensions = small });
            Assert.Equal(12, Directory.EnumerateFiles(Path.Combine(root, "ct-head-lesion"), "*.dcm").Count());
            Assert.Equal("mine", File.ReadAllText(Path.Combine(root, "notes.txt")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Other_dimensions_sample_the_same_anatomy_and_lesion()
    {
        var root = TestData.NewScratchDirectory("samples-dimensions");
        try
        {
            var studies = SampleStudyGenerator.Generate(root, new SampleOptions { Dimensions = new SampleDimensions(96, 24, 64, 4, 256, 200) });
            var lesionStudy = studies[0];
            Assert.Equal((24, 96, 96), (lesionStudy.Descriptor.Instances, lesionStudy.Descriptor.Rows, lesionStudy.Descriptor.Columns));
            Assert.Equal(samples.Study("ct-head-lesion").Descriptor.Lesion!.CentreMm, lesionStudy.Descriptor.Lesion!.CentreMm);
            var inLesion = SampleVolume.Read(lesionStudy).InsideLesion(lesionStudy.Descriptor.Lesion, 0.6);
            var inNormal = SampleVolume.Read(studies[1]).InsideLesion(lesionStudy.Descriptor.Lesion, 0.6);
            Assert.NotEmpty(inLesion);
            Assert.InRange(inLesion.Average(), 60, 85);
            Assert.InRange(inNormal.Average(), 30, 40);
            Assert.Equal((1, 256, 200), (studies[2].Descriptor.Instances, studies[2].Descriptor.Rows, studies[2].Descriptor.Columns));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Dimensions_too_small_to_show_anatomy_are_refused()
    {
        var root = TestData.NewScratchDirectory("samples-invalid");
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => SampleStudyGenerator.Generate(root, new SampleOptions { Dimensions = SampleDimensions.Small with { CtMatrix = 8 } }));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void For_every_seed_the_lesion_lies_in_parenchyma_within_the_coverage()
    {
        for (var seed = 0L; seed < 500; seed++)
        {
            var anatomy = HeadAnatomy.Create(seed);
            var lesion = HeadLesion.Place(seed, anatomy, CtHeadStudy.LesionLowestZ, CtHeadStudy.LesionHighestZ);
            var shape = lesion.Shape;
            Assert.InRange(shape.CentreZ - shape.RadiusZ, CtHeadStudy.LesionLowestZ, CtHeadStudy.LesionHighestZ);
            Assert.InRange(shape.CentreZ + shape.RadiusZ, CtHeadStudy.LesionLowestZ, CtHeadStudy.LesionHighestZ);
            Assert.InRange(lesion.PeakHu, 60, 85);
            Assert.InRange(lesion.EdgeHu, 60, 85);
            // Every point of the lesion (on a 9x9x9 grid over its bounding box) would be parenchyma without it.
            for (var i = -4; i <= 4; i++)
            {
                for (var j = -4; j <= 4; j++)
                {
                    for (var k = -4; k <= 4; k++)
                    {
                        var (x, y, z) = (shape.CentreX + (shape.RadiusX * i / 4), shape.CentreY + (shape.RadiusY * j / 4), shape.CentreZ + (shape.RadiusZ * k / 4));
                        if (shape.Contains(x, y, z))
                        {
                            Assert.Contains(anatomy.Classify(x, y, z, out _), new[] { HeadTissue.GreyMatter, HeadTissue.DeepGreyMatter, HeadTissue.WhiteMatter });
                        }
                    }
                }
            }
        }
    }
}
