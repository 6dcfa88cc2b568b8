using System.Globalization;

namespace Telerad.Samples.Dicom;

/// <summary>
/// Who and what a sample study is: obviously fake patient and order identifiers, dates and UIDs, all
/// derived from the seed and the study's folder name.
/// </summary>
internal sealed record SampleIdentity
{
    public required string Folder { get; init; }

    public required string PatientName { get; init; }

    public required string PatientId { get; init; }

    public required string PatientSex { get; init; }

    public required DateOnly BirthDate { get; init; }

    public required int AgeYears { get; init; }

    public required DateOnly StudyDate { get; init; }

    public required TimeOnly StudyTime { get; init; }

    public required string AccessionNumber { get; init; }

    public required string StudyDescription { get; init; }

    public required string SeriesDescription { get; init; }

    public required string Modality { get; init; }

    public required string BodyPartExamined { get; init; }

    public required string SopClassUid { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required string FrameOfReferenceUid { get; init; }

    public required long Seed { get; init; }

    /// <summary>
    /// <paramref name="code"/> is a short tag for the study (CTL, CTN, CR, MR) used in the patient ID and
    /// accession number; <paramref name="givenName"/> makes each fake patient distinct.
    /// </summary>
    public static SampleIdentity Create(
        long seed,
        string folder,
        string code,
        string givenName,
        string sex,
        int ageYears,
        string modality,
        string bodyPart,
        string sopClassUid,
        string studyDescription,
        string seriesDescription)
    {
        var random = SampleRandom.For(seed, folder + "/identity");
        var studyDate = new DateOnly(2025, 1, 1).AddDays(random.Next(0, 364));
        var studyTime = new TimeOnly(0, 0).Add(TimeSpan.FromMinutes(random.Next(0, (24 * 60) - 1)));
        var birthDate = studyDate.AddYears(-ageYears).AddDays(-random.Next(1, 364));
        var seedText = ((ulong)seed % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        return new SampleIdentity
        {
            Folder = folder,
            // Family name "Sample", the modality as a middle name: no one could take it for a person.
            PatientName = $"Sample^{givenName}^{modality}",
            PatientId = FormattableString.Invariant($"SAMPLE-{seed}-{code}"),
            PatientSex = sex,
            BirthDate = birthDate,
            AgeYears = ageYears,
            StudyDate = studyDate,
            StudyTime = studyTime,
            AccessionNumber = $"S{seedText}{code}", // SH: at most 16 characters
            StudyDescription = studyDescription,
            SeriesDescription = seriesDescription,
            Modality = modality,
            BodyPartExamined = bodyPart,
            SopClassUid = sopClassUid,
            StudyInstanceUid = SampleUids.Create(seed, folder + "/study"),
            SeriesInstanceUid = SampleUids.Create(seed, folder + "/series/1"),
            FrameOfReferenceUid = SampleUids.Create(seed, folder + "/frame-of-reference"),
            Seed = seed,
        };
    }

    public string SopInstanceUid(int instanceNumber) => SampleUids.Create(Seed, FormattableString.Invariant($"{Folder}/series/1/instance/{instanceNumber}"));
}
