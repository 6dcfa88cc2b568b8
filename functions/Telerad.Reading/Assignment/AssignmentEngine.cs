using System.Globalization;
using Telerad.Reading.Configuration;
using Telerad.Reading.Rules;

namespace Telerad.Reading.Assignment;

/// <summary>
/// Chooses the radiologist for a study: a pure function of the study, the configuration, the current loads and the
/// instant, so an orchestration can call it from an activity and the audit trail can replay it.
/// <para>
/// Eligible = licensed in the patient's jurisdiction, credentialed at the facility, subspecialty fits (a general
/// radiologist only when no subspecialist is eligible and the tenant allows it), on shift at the instant in their own
/// time zone, not conflicted, under capacity (studies and RVUs) and not excluded for this study.
/// Ranking: STAT to the least loaded (fewest open studies, then fewest open RVUs); other priorities to the fewest open
/// RVUs (then fewest open studies); ties by radiologist id, ordinal.
/// </para>
/// </summary>
public static class AssignmentEngine
{
    public const string StatRankingRule = "STAT: fewest open studies, then fewest open RVUs, then radiologist id (ordinal)";
    public const string BalancedRankingRule = "URGENT/ROUTINE: fewest open RVUs, then fewest open studies, then radiologist id (ordinal)";

    public static AssignmentDecision Assign(
        StudyForAssignment study,
        ReadingConfiguration configuration,
        IReadOnlyDictionary<string, RadiologistLoad> loads,
        DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(loads);

        var rules = configuration.Rules;
        var subspecialties = rules.SubspecialtiesFor(study.Modality, study.BodyPart);
        var rvu = study.RvuEstimate ?? rules.Rvus.Estimate(study.Modality, study.BodyPart);
        if (rvu < 0)
        {
            throw new ArgumentException("the study's RVU estimate must not be negative", nameof(study));
        }
        var rankingRule = study.Priority == ReadingPriority.Stat ? StatRankingRule : BalancedRankingRule;

        var tenant = configuration.FindTenant(study.TenantId);
        var facility = configuration.FindFacility(study.FacilityId);
        var studyProblems = StudyProblems(study, tenant, facility);
        if (studyProblems.Count > 0 || tenant is null || facility is null)
        {
            return new AssignmentDecision
            {
                StudyId = study.StudyId,
                Instant = instant,
                Outcome = AssignmentOutcome.InvalidStudy,
                Priority = study.Priority,
                RvuEstimate = rvu,
                Subspecialties = subspecialties,
                RankingRule = rankingRule,
                Explanation = "No reader considered: " + string.Join("; ", studyProblems.Select(p => p.Message)),
                Candidates = [],
                StudyProblems = studyProblems,
            };
        }

        var jurisdiction = string.IsNullOrWhiteSpace(study.PatientJurisdiction) ? facility.Value.Facility.Jurisdiction : study.PatientJurisdiction;
        var excluded = study.ExcludedRadiologistIds.ToHashSet(StringComparer.Ordinal);

        // First every rule but the subspecialty one, which depends on who else is eligible.
        var assessments = new List<Assessment>();
        foreach (var reader in configuration.Radiologists)
        {
            var load = loads.GetValueOrDefault(reader.Id);
            if (load.OpenStudies < 0 || load.OpenRvus < 0)
            {
                throw new ArgumentException($"the load of radiologist '{reader.Id}' is negative", nameof(loads));
            }
            var reasons = Exclusions(reader, load, study, jurisdiction, rvu, instant, excluded);
            assessments.Add(new Assessment(reader, load, Fit(reader, subspecialties), reasons));
        }

        var subspecialistEligible = assessments.Any(a => a.Fit == SubspecialtyFit.Subspecialist && a.Reasons.Count == 0);
        var fallbackUsed = false;
        foreach (var a in assessments)
        {
            switch (a.Fit)
            {
                case SubspecialtyFit.None:
                    a.Reasons.Insert(0, Mismatch(a.Reader, subspecialties));
                    break;
                case SubspecialtyFit.GeneralOnly when subspecialistEligible:
                    a.Reasons.Insert(0, new AssignmentReason(AssignmentReasonCodes.SubspecialistAvailable,
                        $"reads as a general radiologist only and a {Join(subspecialties)} subspecialist is eligible"));
                    break;
                case SubspecialtyFit.GeneralOnly when !tenant.AllowGeneralFallback:
                    a.Reasons.Insert(0, new AssignmentReason(AssignmentReasonCodes.GeneralFallbackNotAllowed,
                        $"reads as a general radiologist only; no {Join(subspecialties)} subspecialist is eligible and tenant '{tenant.Id}' does not allow general fallback"));
                    break;
                case SubspecialtyFit.GeneralOnly when a.Reasons.Count == 0:
                    fallbackUsed = true;
                    break;
                default:
                    break;
            }
        }

        var ranked = assessments
            .Where(a => a.Reasons.Count == 0)
            .OrderBy(a => (a.Reader.Id, a.Load), Ranking(study.Priority))
            .ToList();
        var candidates = new List<CandidateAssessment>();
        for (var i = 0; i < ranked.Count; i++)
        {
            var a = ranked[i];
            candidates.Add(new CandidateAssessment { RadiologistId = a.Reader.Id, Load = a.Load, Exclusions = [], Rank = i + 1, GeneralFallback = a.Fit == SubspecialtyFit.GeneralOnly });
        }
        candidates.AddRange(assessments
            .Where(a => a.Reasons.Count > 0)
            .Select(a => new CandidateAssessment { RadiologistId = a.Reader.Id, Load = a.Load, Exclusions = a.Reasons }));

        var chosen = ranked.Count > 0 ? ranked[0].Reader.Id : null;
        return new AssignmentDecision
        {
            StudyId = study.StudyId,
            Instant = instant,
            Outcome = chosen is null ? AssignmentOutcome.NoEligibleReader : AssignmentOutcome.Assigned,
            ChosenRadiologistId = chosen,
            Priority = study.Priority,
            PatientJurisdiction = jurisdiction,
            RvuEstimate = rvu,
            Subspecialties = subspecialties,
            GeneralFallbackUsed = fallbackUsed && chosen is not null,
            RankingRule = rankingRule,
            Explanation = chosen is null
                ? NobodyExplanation(assessments.Count, candidates)
                : WinnerExplanation(study.Priority, ranked.Select(r => (r.Reader.Id, r.Load)).ToList(), fallbackUsed),
            Candidates = candidates,
        };
    }

    /// <summary>The ranking order for a priority: the first element is the one assigned.</summary>
    public static IComparer<(string RadiologistId, RadiologistLoad Load)> Ranking(ReadingPriority priority) =>
        Comparer<(string RadiologistId, RadiologistLoad Load)>.Create((x, y) =>
        {
            var byLoad = priority == ReadingPriority.Stat
                ? Chain(x.Load.OpenStudies.CompareTo(y.Load.OpenStudies), x.Load.OpenRvus.CompareTo(y.Load.OpenRvus))
                : Chain(x.Load.OpenRvus.CompareTo(y.Load.OpenRvus), x.Load.OpenStudies.CompareTo(y.Load.OpenStudies));
            return byLoad != 0 ? byLoad : string.CompareOrdinal(x.RadiologistId, y.RadiologistId);
        });

    private static int Chain(int first, int second) => first != 0 ? first : second;

    private sealed record Assessment(RadiologistConfiguration Reader, RadiologistLoad Load, SubspecialtyFit Fit, List<AssignmentReason> Reasons);

    private enum SubspecialtyFit
    {
        Subspecialist,
        GeneralOnly,
        None,
    }

    private static SubspecialtyFit Fit(RadiologistConfiguration reader, IReadOnlyList<string> subspecialties)
    {
        if (subspecialties.Count == 0)
        {
            // A study no subspecialty claims is a general study.
            return reader.HasSubspecialty(AssignmentRules.General) ? SubspecialtyFit.Subspecialist : SubspecialtyFit.None;
        }
        if (subspecialties.Any(reader.HasSubspecialty))
        {
            return SubspecialtyFit.Subspecialist;
        }
        return reader.HasSubspecialty(AssignmentRules.General) ? SubspecialtyFit.GeneralOnly : SubspecialtyFit.None;
    }

    private static AssignmentReason Mismatch(RadiologistConfiguration reader, IReadOnlyList<string> subspecialties) =>
        new(AssignmentReasonCodes.SubspecialtyMismatch, subspecialties.Count == 0
            ? $"the study is a general study and the radiologist does not read 'general' (reads {Join(reader.Subspecialties)})"
            : $"the study needs {Join(subspecialties)} and the radiologist reads {Join(reader.Subspecialties)}");

    private static List<AssignmentReason> Exclusions(
        RadiologistConfiguration reader,
        RadiologistLoad load,
        StudyForAssignment study,
        string jurisdiction,
        decimal rvu,
        DateTimeOffset instant,
        HashSet<string> excluded)
    {
        var reasons = new List<AssignmentReason>();
        if (!reader.LicensedJurisdictions.Contains(jurisdiction, StringComparer.Ordinal))
        {
            reasons.Add(new(AssignmentReasonCodes.NotLicensed, $"not licensed in {jurisdiction} (licensed in {Join(reader.LicensedJurisdictions)})"));
        }
        if (!reader.CredentialedFacilities.Contains(study.FacilityId, StringComparer.Ordinal))
        {
            reasons.Add(new(AssignmentReasonCodes.NotCredentialed, $"not credentialed at facility '{study.FacilityId}'"));
        }
        if (reader.Schedule.ShiftAt(instant) is null)
        {
            var local = reader.Schedule.LocalTime(instant);
            reasons.Add(new(AssignmentReasonCodes.OffShift, string.Create(CultureInfo.InvariantCulture,
                $"off shift: it is {local:ddd yyyy-MM-dd HH:mm} in {reader.Schedule.TimeZoneId}")));
        }
        foreach (var conflict in reader.Conflicts)
        {
            var (applies, code, what) = conflict.Kind switch
            {
                ConflictKind.Facility => (string.Equals(conflict.Value, study.FacilityId, StringComparison.Ordinal), AssignmentReasonCodes.ConflictFacility, $"facility '{conflict.Value}'"),
                ConflictKind.PatientJurisdiction => (string.Equals(conflict.Value, jurisdiction, StringComparison.Ordinal), AssignmentReasonCodes.ConflictPatientJurisdiction, $"patients from {conflict.Value}"),
                ConflictKind.Referrer => (string.Equals(conflict.Value, study.ReferrerId, StringComparison.Ordinal), AssignmentReasonCodes.ConflictReferrer, $"referrer '{conflict.Value}'"),
                _ => (false, string.Empty, string.Empty),
            };
            if (applies)
            {
                reasons.Add(new(code, $"conflict with {what}" + (conflict.Reason is null ? string.Empty : $" ({conflict.Reason})")));
            }
        }
        var capacity = reader.Capacity;
        if (load.OpenStudies >= capacity.MaxOpenStudies)
        {
            reasons.Add(new(AssignmentReasonCodes.AtStudyCapacity, string.Create(CultureInfo.InvariantCulture,
                $"{load.OpenStudies} open studies, capacity {capacity.MaxOpenStudies}")));
        }
        // An idle reader may always take one study, however large; otherwise a study above every cap would never be read.
        var idle = load.OpenStudies == 0 && capacity.MaxOpenRvus > 0;
        if (!idle && load.OpenRvus + rvu > capacity.MaxOpenRvus)
        {
            reasons.Add(new(AssignmentReasonCodes.AtRvuCapacity, string.Create(CultureInfo.InvariantCulture,
                $"{load.OpenRvus} open RVUs + {rvu} for this study exceed capacity {capacity.MaxOpenRvus}")));
        }
        if (excluded.Contains(reader.Id))
        {
            reasons.Add(new(AssignmentReasonCodes.ExcludedForStudy, "excluded for this study by the workflow (silent, declined or released before)"));
        }
        return reasons;
    }

    private static List<AssignmentReason> StudyProblems(StudyForAssignment study, TenantConfiguration? tenant, (TenantConfiguration Tenant, FacilityConfiguration Facility)? facility)
    {
        var problems = new List<AssignmentReason>();
        if (tenant is null)
        {
            problems.Add(new(AssignmentReasonCodes.UnknownTenant, $"tenant '{study.TenantId}' is not configured"));
        }
        if (facility is null)
        {
            problems.Add(new(AssignmentReasonCodes.UnknownFacility, $"facility '{study.FacilityId}' is not configured"));
        }
        else if (tenant is not null && !ReferenceEquals(facility.Value.Tenant, tenant))
        {
            problems.Add(new(AssignmentReasonCodes.FacilityOfOtherTenant, $"facility '{study.FacilityId}' belongs to tenant '{facility.Value.Tenant.Id}', not '{tenant.Id}'"));
        }
        return problems;
    }

    private static string WinnerExplanation(ReadingPriority priority, List<(string Id, RadiologistLoad Load)> ranked, bool fallback)
    {
        var (id, load) = ranked[0];
        var prefix = fallback ? "general fallback: no subspecialist eligible; " : string.Empty;
        if (ranked.Count == 1)
        {
            return $"{prefix}'{id}' is the only eligible reader ({load})";
        }
        var (nextId, next) = ranked[1];
        string why;
        if (priority == ReadingPriority.Stat)
        {
            why = load.OpenStudies != next.OpenStudies
                ? Invariant($"fewest open studies ({load.OpenStudies} vs {next.OpenStudies} for '{nextId}')")
                : load.OpenRvus != next.OpenRvus
                    ? Invariant($"same open studies ({load.OpenStudies}) as '{nextId}' and fewer open RVUs ({load.OpenRvus} vs {next.OpenRvus})")
                    : Invariant($"same load as '{nextId}' ({load}); '{id}' comes first by id");
        }
        else
        {
            why = load.OpenRvus != next.OpenRvus
                ? Invariant($"fewest open RVUs ({load.OpenRvus} vs {next.OpenRvus} for '{nextId}')")
                : load.OpenStudies != next.OpenStudies
                    ? Invariant($"same open RVUs ({load.OpenRvus}) as '{nextId}' and fewer open studies ({load.OpenStudies} vs {next.OpenStudies})")
                    : Invariant($"same load as '{nextId}' ({load}); '{id}' comes first by id");
        }
        return Invariant($"{prefix}'{id}' ranked first of {ranked.Count} eligible readers ({ReadingPriorities.Name(priority)}): {why}");
    }

    private static string NobodyExplanation(int considered, List<CandidateAssessment> candidates)
    {
        if (considered == 0)
        {
            return "no eligible reader: no radiologists are configured";
        }
        var counts = candidates
            .SelectMany(c => c.Exclusions.Select(e => e.Code).Distinct(StringComparer.Ordinal))
            .GroupBy(code => code, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Invariant($"{g.Key} {g.Count()}"));
        return Invariant($"no eligible reader among {considered} radiologists (exclusions: {string.Join(", ", counts)})");
    }

    private static string Join(IEnumerable<string> values) => "'" + string.Join("', '", values) + "'";

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
