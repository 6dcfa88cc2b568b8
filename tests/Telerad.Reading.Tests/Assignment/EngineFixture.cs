using Telerad.Reading.Assignment;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Assignment;

internal static class EngineFixture
{
    /// <summary>Wednesday 2026-01-14 12:00 UTC.</summary>
    public static readonly DateTimeOffset Noon = Instants.Utc("2026-01-14T12:00Z");

    /// <summary>A general study (no default rule claims CR of the head) at t1's New York site.</summary>
    public static StudyForAssignment GeneralStudy(ReadingPriority priority = ReadingPriority.Routine) => new()
    {
        StudyId = "study-1",
        TenantId = "t1",
        FacilityId = "f-ny",
        Modality = "CR",
        BodyPart = "HEAD",
        Priority = priority,
        ReferrerId = "ref-1",
    };

    /// <summary>A CT head (neuro) at t1's New York site.</summary>
    public static StudyForAssignment NeuroStudy(ReadingPriority priority = ReadingPriority.Routine) =>
        GeneralStudy(priority) with { Modality = "CT", BodyPart = "HEAD" };

    public static AssignmentDecision Assign(ConfigDocuments docs, StudyForAssignment study, Dictionary<string, RadiologistLoad>? loads = null, DateTimeOffset? at = null) =>
        AssignmentEngine.Assign(study, docs.Load(), loads ?? [], at ?? Noon);

    public static IReadOnlyList<string> Codes(AssignmentDecision decision, string radiologist) =>
        [.. decision.Candidate(radiologist)!.Exclusions.Select(e => e.Code)];
}
