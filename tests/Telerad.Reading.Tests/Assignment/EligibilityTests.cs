using System.Text.Json.Nodes;
using Telerad.Reading.Assignment;
using Telerad.Reading.Tests.Infrastructure;
using static Telerad.Reading.Tests.Assignment.EngineFixture;

namespace Telerad.Reading.Tests.Assignment;

/// <summary>Each eligibility rule alone (one radiologist who passes everything else), then combined.</summary>
public sealed class EligibilityTests
{
    private static AssignmentDecision One(Action<JsonObject>? edit, StudyForAssignment? study = null, RadiologistLoad? load = null, DateTimeOffset? at = null)
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1", edit);
        return Assign(docs, study ?? GeneralStudy(), load is null ? null : new() { ["r1"] = load.Value }, at);
    }

    private static void Eligible(AssignmentDecision decision)
    {
        Assert.Equal(AssignmentOutcome.Assigned, decision.Outcome);
        Assert.Equal("r1", decision.ChosenRadiologistId);
        var candidate = Assert.Single(decision.Candidates);
        Assert.True(candidate.Eligible);
        Assert.Equal(1, candidate.Rank);
    }

    private static AssignmentReason Excluded(AssignmentDecision decision, string code)
    {
        Assert.Equal(AssignmentOutcome.NoEligibleReader, decision.Outcome);
        Assert.Null(decision.ChosenRadiologistId);
        var candidate = Assert.Single(decision.Candidates);
        Assert.False(candidate.Eligible);
        Assert.Null(candidate.Rank);
        var reason = Assert.Single(candidate.Exclusions);
        Assert.Equal(code, reason.Code);
        Assert.False(string.IsNullOrWhiteSpace(reason.Message));
        return reason;
    }

    [Fact]
    public void The_base_radiologist_is_eligible() => Eligible(One(null));

    [Fact]
    public void Not_licensed_in_the_facilitys_jurisdiction()
    {
        var reason = Excluded(One(r => r["licensedJurisdictions"] = new JsonArray("US-NJ", "US-CT")), AssignmentReasonCodes.NotLicensed);
        Assert.Contains("US-NY", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_patients_jurisdiction_overrides_the_facilitys()
    {
        var inNewJersey = GeneralStudy() with { PatientJurisdiction = "US-NJ" };
        var decision = One(null, inNewJersey);
        Excluded(decision, AssignmentReasonCodes.NotLicensed);
        Assert.Equal("US-NJ", decision.PatientJurisdiction);
        Eligible(One(r => r["licensedJurisdictions"] = new JsonArray("US-NJ"), inNewJersey));
        Assert.Equal("US-NY", One(null).PatientJurisdiction);
    }

    [Fact]
    public void Not_credentialed_at_the_facility()
    {
        var reason = Excluded(One(r => r["credentialedFacilities"] = new JsonArray("f-nj")), AssignmentReasonCodes.NotCredentialed);
        Assert.Contains("f-ny", reason.Message, StringComparison.Ordinal);
        // Credentialed at the facility but licensed only elsewhere is the licence rule, not this one.
        Eligible(One(r => r["credentialedFacilities"] = new JsonArray("f-nj", "f-ny")));
    }

    [Fact]
    public void A_subspecialist_only_reader_does_not_read_general_studies() =>
        Excluded(One(r => r["subspecialties"] = new JsonArray("neuro")), AssignmentReasonCodes.SubspecialtyMismatch);

    [Fact]
    public void A_reader_of_another_subspecialty_does_not_read_the_study() =>
        Excluded(One(r => r["subspecialties"] = new JsonArray("chest", "msk"), NeuroStudy()), AssignmentReasonCodes.SubspecialtyMismatch);

    [Fact]
    public void A_subspecialist_reads_their_studies()
    {
        var decision = One(r => r["subspecialties"] = new JsonArray("neuro"), NeuroStudy());
        Eligible(decision);
        Assert.Equal(["neuro"], decision.Subspecialties);
        Assert.False(decision.GeneralFallbackUsed);
    }

    [Fact]
    public void A_general_reader_reads_a_subspecialty_study_by_fallback_when_the_tenant_allows()
    {
        var decision = One(null, NeuroStudy());
        Eligible(decision);
        Assert.True(decision.GeneralFallbackUsed);
        Assert.True(decision.Candidates[0].GeneralFallback);
        Assert.StartsWith("general fallback", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void No_general_fallback_when_the_tenant_does_not_allow_it()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["allowGeneralFallback"] = false;
        docs.AddRadiologist("r1");
        var decision = Assign(docs, NeuroStudy());
        Excluded(decision, AssignmentReasonCodes.GeneralFallbackNotAllowed);
        Assert.False(decision.GeneralFallbackUsed);
    }

    [Fact]
    public void A_general_reader_is_not_used_when_a_subspecialist_is_eligible_even_if_less_loaded()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r-general");
        docs.AddRadiologist("r-neuro", r => r["subspecialties"] = new JsonArray("neuro"));
        var decision = Assign(docs, NeuroStudy(), new() { ["r-neuro"] = new(5, 20m) });
        Assert.Equal("r-neuro", decision.ChosenRadiologistId);
        Assert.False(decision.GeneralFallbackUsed);
        Assert.Equal([AssignmentReasonCodes.SubspecialistAvailable], Codes(decision, "r-general"));
    }

    [Fact]
    public void General_fallback_applies_when_the_subspecialist_is_not_eligible()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r-general");
        docs.AddRadiologist("r-neuro", r => r["subspecialties"] = new JsonArray("neuro"));
        var decision = Assign(docs, NeuroStudy() with { ExcludedRadiologistIds = ["r-neuro"] });
        Assert.Equal("r-general", decision.ChosenRadiologistId);
        Assert.True(decision.GeneralFallbackUsed);
        Assert.Equal([AssignmentReasonCodes.ExcludedForStudy], Codes(decision, "r-neuro"));
    }

    [Fact]
    public void A_reader_with_both_subspecialty_and_general_reads_as_a_subspecialist()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r-both", r => r["subspecialties"] = new JsonArray("general", "neuro"));
        docs.AddRadiologist("r-general");
        var decision = Assign(docs, NeuroStudy());
        Assert.Equal("r-both", decision.ChosenRadiologistId);
        Assert.False(decision.Candidates[0].GeneralFallback);
        Assert.Equal([AssignmentReasonCodes.SubspecialistAvailable], Codes(decision, "r-general"));
    }

    [Fact]
    public void Off_shift_says_the_radiologists_local_time()
    {
        var reason = Excluded(
            One(r =>
            {
                r["timeZone"] = "America/New_York";
                r["shifts"] = new JsonArray(new JsonObject { ["days"] = new JsonArray("Wed"), ["start"] = "08:00", ["end"] = "16:00" });
            }),
            AssignmentReasonCodes.OffShift);
        Assert.Equal("off shift: it is Wed 2026-01-14 07:00 in America/New_York", reason.Message); // noon UTC = 07:00 EST
    }

    [Fact]
    public void On_shift_in_the_radiologists_own_zone()
    {
        void Edit(JsonObject r)
        {
            r["timeZone"] = "Asia/Tokyo";
            r["shifts"] = new JsonArray(new JsonObject { ["days"] = new JsonArray("Wed"), ["start"] = "20:00", ["end"] = "23:00" });
        }
        Eligible(One(Edit)); // 12:00 UTC = 21:00 JST
        Excluded(One(Edit, at: Noon.AddHours(2)), AssignmentReasonCodes.OffShift); // 23:00 JST
    }

    [Fact]
    public void A_reader_without_shifts_is_never_on_shift() =>
        Excluded(One(r => r["shifts"] = new JsonArray()), AssignmentReasonCodes.OffShift);

    [Fact]
    public void A_facility_conflict_excludes_only_at_that_facility()
    {
        void Edit(JsonObject r)
        {
            r["credentialedFacilities"] = new JsonArray("f-ny", "f-nj");
            r["licensedJurisdictions"] = new JsonArray("US-NY", "US-NJ");
            r["conflicts"] = new JsonArray(new JsonObject { ["kind"] = "facility", ["value"] = "f-ny", ["reason"] = "employed by a competitor" });
        }
        var reason = Excluded(One(Edit), AssignmentReasonCodes.ConflictFacility);
        Assert.Contains("employed by a competitor", reason.Message, StringComparison.Ordinal);
        Eligible(One(Edit, GeneralStudy() with { FacilityId = "f-nj" }));
    }

    [Fact]
    public void A_patient_jurisdiction_conflict_uses_the_patients_jurisdiction()
    {
        void Edit(JsonObject r)
        {
            r["licensedJurisdictions"] = new JsonArray("US-NY", "US-NJ");
            r["conflicts"] = new JsonArray(new JsonObject { ["kind"] = "patientJurisdiction", ["value"] = "US-NJ" });
        }
        Eligible(One(Edit));
        Excluded(One(Edit, GeneralStudy() with { PatientJurisdiction = "US-NJ" }), AssignmentReasonCodes.ConflictPatientJurisdiction);
    }

    [Fact]
    public void A_referrer_conflict_applies_only_to_that_referrers_orders()
    {
        void Edit(JsonObject r) => r["conflicts"] = new JsonArray(new JsonObject { ["kind"] = "referrer", ["value"] = "ref-1" });
        Excluded(One(Edit), AssignmentReasonCodes.ConflictReferrer);
        Eligible(One(Edit, GeneralStudy() with { ReferrerId = null }));
        Eligible(One(Edit, GeneralStudy() with { ReferrerId = "someone-else" }));
    }

    [Fact]
    public void Excluded_by_the_workflow_for_this_study() =>
        Excluded(One(null, GeneralStudy() with { ExcludedRadiologistIds = ["r0", "r1"] }), AssignmentReasonCodes.ExcludedForStudy);

    [Fact]
    public void Every_failed_rule_is_listed_not_just_the_first()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["allowGeneralFallback"] = false;
        docs.AddRadiologist("r1", r =>
        {
            r["licensedJurisdictions"] = new JsonArray("US-TX");
            r["credentialedFacilities"] = new JsonArray("f-tx");
            r["shifts"] = new JsonArray();
            r["capacity"] = new JsonObject { ["maxOpenStudies"] = 1, ["maxOpenRvus"] = 1 };
            r["conflicts"] = new JsonArray(
                new JsonObject { ["kind"] = "facility", ["value"] = "f-ny" },
                new JsonObject { ["kind"] = "patientJurisdiction", ["value"] = "US-NY" },
                new JsonObject { ["kind"] = "referrer", ["value"] = "ref-1" });
        });
        var decision = Assign(docs, NeuroStudy() with { ExcludedRadiologistIds = ["r1"] }, new() { ["r1"] = new(1, 0.5m) });
        Assert.Equal(
            [
                AssignmentReasonCodes.GeneralFallbackNotAllowed,
                AssignmentReasonCodes.NotLicensed,
                AssignmentReasonCodes.NotCredentialed,
                AssignmentReasonCodes.OffShift,
                AssignmentReasonCodes.ConflictFacility,
                AssignmentReasonCodes.ConflictPatientJurisdiction,
                AssignmentReasonCodes.ConflictReferrer,
                AssignmentReasonCodes.AtStudyCapacity,
                AssignmentReasonCodes.AtRvuCapacity,
                AssignmentReasonCodes.ExcludedForStudy,
            ],
            Codes(decision, "r1"));
        Assert.Contains("general-fallback-not-allowed 1", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_failed_rules_are_both_listed()
    {
        var decision = One(r =>
        {
            r["licensedJurisdictions"] = new JsonArray("US-TX");
            r["shifts"] = new JsonArray();
        });
        Assert.Equal([AssignmentReasonCodes.NotLicensed, AssignmentReasonCodes.OffShift], Codes(decision, "r1"));
    }

    [Fact]
    public void An_unknown_tenant_or_facility_is_an_invalid_study()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1");
        var unknownTenant = Assign(docs, GeneralStudy() with { TenantId = "t9" });
        Assert.Equal(AssignmentOutcome.InvalidStudy, unknownTenant.Outcome);
        Assert.Equal([AssignmentReasonCodes.UnknownTenant], unknownTenant.StudyProblems.Select(p => p.Code));
        Assert.Empty(unknownTenant.Candidates);
        Assert.Null(unknownTenant.ChosenRadiologistId);

        var unknownFacility = Assign(docs, GeneralStudy() with { FacilityId = "f-9" });
        Assert.Equal([AssignmentReasonCodes.UnknownFacility], unknownFacility.StudyProblems.Select(p => p.Code));

        var otherTenants = Assign(docs, GeneralStudy() with { FacilityId = "f-tx" });
        Assert.Equal(AssignmentOutcome.InvalidStudy, otherTenants.Outcome);
        Assert.Equal([AssignmentReasonCodes.FacilityOfOtherTenant], otherTenants.StudyProblems.Select(p => p.Code));
    }

    [Fact]
    public void No_radiologists_at_all_means_no_eligible_reader()
    {
        var decision = Assign(new ConfigDocuments(), GeneralStudy());
        Assert.Equal(AssignmentOutcome.NoEligibleReader, decision.Outcome);
        Assert.Empty(decision.Candidates);
        Assert.Contains("no radiologists are configured", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Nobody_eligible_explains_the_exclusions_by_code()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1", r => r["shifts"] = new JsonArray());
        docs.AddRadiologist("r2", r => r["shifts"] = new JsonArray());
        docs.AddRadiologist("r3", r => r["licensedJurisdictions"] = new JsonArray("US-TX"));
        var decision = Assign(docs, GeneralStudy());
        Assert.Equal(AssignmentOutcome.NoEligibleReader, decision.Outcome);
        Assert.Equal("no eligible reader among 3 radiologists (exclusions: off-shift 2, not-licensed 1)", decision.Explanation);
        Assert.Equal(["r1", "r2", "r3"], decision.Candidates.Select(c => c.RadiologistId));
    }
}
