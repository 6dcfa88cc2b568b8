using System.Text.RegularExpressions;
using Telerad.Dicom.Tests;
using Xunit.Abstractions;

namespace Telerad.Samples.Tests;

/// <summary>Every generated instance is a valid instance of its IOD, as dicom3tools and dcmtk read it.</summary>
[Collection(SampleSetCollection.Name)]
public partial class IodValidityTests(SampleSetFixture samples, ITestOutputHelper output)
{
    [GeneratedRegex(@"^2\.25\.(0|[1-9][0-9]{0,38})$")]
    private static partial Regex UuidDerivedUid();

    [Fact]
    public void Dciodvfy_reports_no_error_on_any_instance()
    {
        ExternalTool.Require("dciodvfy");
        var errors = new List<string>();
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (study, path) in samples.Instances())
        {
            var result = ExternalTool.Run("dciodvfy", ["-new", path]);
            var lines = (result.StandardError + "\n" + result.StandardOutput).Split('\n').Select(l => l.Trim()).ToList();
            // dciodvfy names the IOD it checked against first: the one our SOP Class UID stands for.
            Assert.Contains(ExpectedIod(study.Descriptor.Modality), lines);
            var name = Path.GetRelativePath(samples.Root, path);
            errors.AddRange(lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Select(l => $"{name}: {l}"));
            warnings.UnionWith(lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).Select(l => $"{study.Descriptor.Folder}: {l}"));
        }

        foreach (var warning in warnings)
        {
            output.WriteLine(warning);
        }

        Assert.True(errors.Count == 0, $"{errors.Count} dciodvfy errors:\n{string.Join('\n', errors.Take(20))}");
    }

    [Fact]
    public void Dcmdump_reads_every_instance_and_finds_the_values_meant()
    {
        foreach (var (study, path) in samples.Instances())
        {
            var descriptor = study.Descriptor;
            var listing = DcmdumpListing.Read(path);
            Assert.Equal(0, listing.ExitCode);
            Assert.True(string.IsNullOrWhiteSpace(listing.Errors), $"{path}: {listing.Errors}");
            string Value(IReadOnlyList<DcmdumpLine> lines, DicomTag tag) => lines.Single(l => l.Depth == 0 && l.Tag == tag).Value.Trim('[', ']');
            string DatasetValue(DicomTag tag) => Value(listing.Dataset, tag);

            Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, Value(listing.Meta, DicomTags.TransferSyntaxUID));
            Assert.Equal(descriptor.SopClassUid, Value(listing.Meta, DicomTags.MediaStorageSOPClassUID));
            Assert.Equal(descriptor.SopClassUid, DatasetValue(DicomTags.SOPClassUID));
            Assert.Equal(Value(listing.Meta, DicomTags.MediaStorageSOPInstanceUID), DatasetValue(DicomTags.SOPInstanceUID));
            Assert.Equal(descriptor.StudyInstanceUid, DatasetValue(DicomTags.StudyInstanceUID));
            Assert.Equal(descriptor.SeriesInstanceUid, DatasetValue(DicomTags.SeriesInstanceUID));
            Assert.Equal(descriptor.PatientName, DatasetValue(DicomTags.PatientName));
            Assert.Equal(descriptor.PatientId, DatasetValue(DicomTags.PatientID));
            Assert.Equal(descriptor.AccessionNumber, DatasetValue(DicomTags.AccessionNumber));
            Assert.Equal(descriptor.Modality, DatasetValue(DicomTags.Modality));
            Assert.Equal(descriptor.BodyPartExamined, DatasetValue(DicomTags.BodyPartExamined));
            Assert.Equal("NO", DatasetValue(DicomTags.BurnedInAnnotation));
            Assert.Equal("ISO_IR 100", DatasetValue(DicomTags.SpecificCharacterSet));
            Assert.Equal(descriptor.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), DatasetValue(DicomTags.Rows));
            Assert.Equal(descriptor.Columns.ToString(System.Globalization.CultureInfo.InvariantCulture), DatasetValue(DicomTags.Columns));
            var pixels = listing.Dataset.Single(l => l.Tag == DicomTags.PixelData);
            Assert.Equal("OW", pixels.VR);
            Assert.Equal(descriptor.Rows * descriptor.Columns * 2L, pixels.Length);
        }
    }

    [Fact]
    public void Identifiers_are_fake_and_uids_are_uuid_derived_and_unique()
    {
        var sopInstances = new HashSet<string>(StringComparer.Ordinal);
        var perStudy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (study, path) in samples.Instances())
        {
            using var file = DicomFile.Open(path);
            var dataset = file.Dataset;
            Assert.StartsWith("Sample^", dataset.GetString(DicomTags.PatientName), StringComparison.Ordinal);
            Assert.StartsWith("SAMPLE-", dataset.GetString(DicomTags.PatientID), StringComparison.Ordinal);
            Assert.StartsWith("Referrer^Sample", dataset.GetString(DicomTags.ReferringPhysicianName), StringComparison.Ordinal);
            foreach (var tag in new[] { DicomTags.SOPInstanceUID, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID })
            {
                var uid = dataset.GetUid(tag)!;
                Assert.Matches(UuidDerivedUid(), uid);
                Assert.True(UInt128.TryParse(uid[5..], System.Globalization.CultureInfo.InvariantCulture, out _), uid);
            }

            Assert.True(sopInstances.Add(dataset.GetUid(DicomTags.SOPInstanceUID)!), "SOP Instance UIDs are unique");
            perStudy.Add(study.Descriptor.Folder + " " + dataset.GetUid(DicomTags.StudyInstanceUID));
        }

        // One study UID per study, and no two studies share one.
        Assert.Equal(samples.Studies.Count, perStudy.Count);
        Assert.Equal(samples.Studies.Count, perStudy.Select(s => s.Split(' ')[1]).Distinct().Count());
        Assert.Equal(samples.Studies.Count, samples.Studies.Select(s => s.Descriptor.PatientId).Distinct().Count());
    }

    private static string ExpectedIod(string modality) => modality switch
    {
        "CT" => "CTImage",
        "MR" => "MRImage",
        "CR" => "CRImage",
        _ => throw new ArgumentOutOfRangeException(nameof(modality), modality, null),
    };
}
