using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Telerad.Dicom.Tests;

namespace Telerad.Samples.Tests;

/// <summary>The pixel values read back: HU statistics of the CT volumes, and pydicom's reading of every instance.</summary>
[Collection(SampleSetCollection.Name)]
public class PixelValueTests(SampleSetFixture samples)
{
    [Fact]
    public void The_lesion_is_hyperdense_and_the_same_place_in_the_normal_study_is_brain_parenchyma()
    {
        var lesion = samples.Study("ct-head-lesion").Descriptor.Lesion!;
        Assert.Null(samples.Study("ct-head-normal").Descriptor.Lesion);
        var inLesion = SampleVolume.Read(samples.Study("ct-head-lesion")).InsideLesion(lesion, 0.5);
        var inNormal = SampleVolume.Read(samples.Study("ct-head-normal")).InsideLesion(lesion, 0.5);
        Assert.True(inLesion.Count >= 50, $"only {inLesion.Count} voxels in the lesion's core");
        Assert.Equal(inLesion.Count, inNormal.Count);
        Assert.InRange(inLesion.Average(), 60, 85);
        Assert.InRange(inNormal.Average(), 30, 40);
    }

    [Fact]
    public void Hyperdense_voxels_lie_only_on_the_slices_study_json_names()
    {
        var study = samples.Study("ct-head-lesion");
        var lesion = study.Descriptor.Lesion!;
        var volume = SampleVolume.Read(study);
        // Nothing else in the head is between 56 and 95 HU: parenchyma (≤ 39) and scalp (40) stay below even with
        // the noise (at most 3.5 standard deviations of 4 HU), bone is far above.
        var hyperdense = volume.Slices.ToDictionary(s => s.InstanceNumber, s => s.Hu.Count(hu => hu is >= 56 and <= 95));
        var withLesion = hyperdense.Where(p => p.Value > 0).Select(p => p.Key).ToList();
        Assert.True(withLesion.Count >= 3, $"the lesion spans {withLesion.Count} slices");
        Assert.All(withLesion, instance => Assert.InRange(instance, lesion.FirstInstanceNumber, lesion.LastInstanceNumber));
        Assert.Equal(lesion.CentreInstanceNumber, hyperdense.MaxBy(p => p.Value).Key);
        Assert.All(volume.Slices.Where(s => !withLesion.Contains(s.InstanceNumber)), s => Assert.Equal(0, hyperdense[s.InstanceNumber]));

        // And none at all in the normal study.
        Assert.All(SampleVolume.Read(samples.Study("ct-head-normal")).Slices, s => Assert.DoesNotContain(s.Hu, hu => hu is >= 56 and <= 95));
    }

    [Fact]
    public void Ct_values_are_air_outside_the_head_and_bone_in_the_skull()
    {
        var slices = SampleVolume.Read(samples.Study("ct-head-normal")).Slices;
        foreach (var slice in slices)
        {
            // The top-left 16x16 corner is outside the head: air, -1000 HU with noise.
            var corner = Enumerable.Range(0, 16).SelectMany(r => Enumerable.Range(0, 16).Select(c => slice.Hu[(r * slice.Columns) + c])).ToList();
            Assert.InRange(corner.Average(), -1005, -995);
            Assert.InRange(slice.Hu.Max(), 900, 1900);
        }

        // Through the middle of the head the skull is a ring with dense tables: the middle row crosses
        // bone (> 900 HU) in two separate runs, and the densest bone is over 1500 HU.
        foreach (var slice in slices.Skip(slices.Count / 4).Take(slices.Count / 2))
        {
            Assert.InRange(slice.Hu.Max(), 1500, 1900);
            var middle = slice.Hu.AsSpan((slice.Rows / 2) * slice.Columns, slice.Columns).ToArray();
            var runs = middle.Zip(middle.Skip(1), (a, b) => a <= 900 && b > 900).Count(starts => starts);
            Assert.Equal(2, runs);
        }
    }

    [Fact]
    public void Pydicom_reads_every_instance_and_agrees_on_the_pixel_values()
    {
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "Telerad.Samples.Tests", "pydicom_samples.py");
        var run = ExternalTool.Run("/usr/bin/python3", [script, samples.Root], TimeSpan.FromMinutes(5), Encoding.UTF8);
        Assert.True(run.ExitCode == 0, $"pydicom_samples.py failed (is python3-pydicom installed? run tools/test.sh): {run.StandardError}");
        using var json = JsonDocument.Parse(run.StandardOutput);
        var files = json.RootElement.GetProperty("files");
        Assert.Equal(samples.Instances().Count(), files.EnumerateObject().Count());
        foreach (var (_, path) in samples.Instances())
        {
            var theirs = files.GetProperty(Path.GetRelativePath(samples.Root, path).Replace('\\', '/'));
            using var file = DicomFile.Open(path);
            var frame = DicomPixelData.Create(file).DecodeFrame(0);
            Assert.Equal(theirs.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(frame.Data)));
            Assert.Equal(frame.IsSigned ? "int16" : "uint16", theirs.GetProperty("dtype").GetString());
            var lut = ModalityLut.FromDataset(file.Dataset);
            var mean = Enumerable.Range(0, frame.PixelCount).Average(i => lut.Apply(frame.GetSample(i)));
            Assert.Equal(theirs.GetProperty("modalityMean").GetDouble(), mean, 1e-6);
            Assert.Equal(theirs.GetProperty("patientName").GetString(), file.Dataset.GetString(DicomTags.PatientName));
            Assert.Equal(theirs.GetProperty("sopInstanceUid").GetString(), file.Dataset.GetUid(DicomTags.SOPInstanceUID));
            Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, theirs.GetProperty("transferSyntaxUid").GetString());
        }

        // pydicom's own geometry and HU: the lesion's core is hyperdense, the normal study's is not, and we agree.
        var region = json.RootElement.GetProperty("lesionRegion");
        var lesion = samples.Study("ct-head-lesion").Descriptor.Lesion!;
        var ours = SampleVolume.Read(samples.Study("ct-head-lesion")).InsideLesion(lesion, 0.5);
        Assert.Equal(ours.Count, region.GetProperty("voxels").GetInt32());
        Assert.InRange(region.GetProperty("lesionMean").GetDouble(), 60, 85);
        Assert.InRange(region.GetProperty("normalMean").GetDouble(), 30, 40);
        Assert.Equal(ours.Average(), region.GetProperty("lesionMean").GetDouble(), 1e-9);
    }
}
