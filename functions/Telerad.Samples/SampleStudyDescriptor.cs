using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Samples;

/// <summary>
/// What a generated sample study is, written next to its instances as <c>study.json</c> so tests and the
/// triage work can read the ground truth (the expected finding, and where the lesion is) without DICOM.
/// </summary>
public sealed record SampleStudyDescriptor
{
    public const string FileName = "study.json";

    /// <summary>The study's folder name, which says what it is (e.g. <c>ct-head-lesion</c>).</summary>
    public required string Folder { get; init; }

    public required string Description { get; init; }

    public required string Modality { get; init; }

    public required string SopClassUid { get; init; }

    public required string BodyPartExamined { get; init; }

    /// <summary><c>intracranial-hyperdensity</c> for the lesion study, <c>none</c> for the others.</summary>
    public required string ExpectedFinding { get; init; }

    /// <summary>True if the expected finding is a critical result.</summary>
    public required bool Critical { get; init; }

    public required long Seed { get; init; }

    public required string PatientName { get; init; }

    public required string PatientId { get; init; }

    public required string AccessionNumber { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required int Instances { get; init; }

    public required int Rows { get; init; }

    public required int Columns { get; init; }

    /// <summary>Row spacing then column spacing, as in Pixel Spacing (0028,0030).</summary>
    public required IReadOnlyList<double> PixelSpacingMm { get; init; }

    public double? SliceThicknessMm { get; init; }

    public double? SliceSpacingMm { get; init; }

    /// <summary>The instance files in the folder, by Instance Number (slices from inferior to superior).</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The lesion of the lesion study; null in the others.</summary>
    public SampleLesionDescriptor? Lesion { get; init; }

    public static SampleStudyDescriptor Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), SamplesJsonContext.Default.SampleStudyDescriptor)
        ?? throw new InvalidDataException($"{path} holds no study description.");

    internal void Save(string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(this, SamplesJsonContext.Default.SampleStudyDescriptor) + "\n");
}

/// <summary>
/// The lesion's ground truth: an ellipsoid in patient coordinates (LPS, mm) whose attenuation falls from
/// <see cref="PeakHu"/> at the centre to <see cref="EdgeHu"/> at its surface (plus image noise).
/// </summary>
public sealed record SampleLesionDescriptor
{
    /// <summary>x, y, z of the centre in the Patient Coordinate System (the same frame as Image Position (Patient)).</summary>
    public required IReadOnlyList<double> CentreMm { get; init; }

    /// <summary>Semi-axes along x, y and z.</summary>
    public required IReadOnlyList<double> RadiiMm { get; init; }

    public required double PeakHu { get; init; }

    public required double EdgeHu { get; init; }

    /// <summary>The centre in image coordinates: column and row (0-based, fractional).</summary>
    public required double CentreColumn { get; init; }

    public required double CentreRow { get; init; }

    /// <summary>Instance Number of the slice nearest the centre, and of the first and last slice the lesion reaches.</summary>
    public required int CentreInstanceNumber { get; init; }

    public required int FirstInstanceNumber { get; init; }

    public required int LastInstanceNumber { get; init; }
}

/// <summary>Source-generated JSON for study.json.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SampleStudyDescriptor))]
internal sealed partial class SamplesJsonContext : JsonSerializerContext;
