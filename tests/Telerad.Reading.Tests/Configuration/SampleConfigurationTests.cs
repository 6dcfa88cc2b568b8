using Telerad.Reading.Assignment;
using Telerad.Reading.Configuration;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Configuration;

/// <summary>The sample folder shipped with docs/configuration.md loads, and means what the document says.</summary>
public sealed class SampleConfigurationTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "samples", "config");

    private static ReadingConfiguration Load() =>
        ReadingConfigurationLoader.LoadAsync(new FolderReadingConfigurationStore(Folder)).GetAwaiter().GetResult();

    [Fact]
    public void The_sample_folder_loads_from_disk()
    {
        var config = Load();
        Assert.Equal(["northwind", "contoso-clinics"], config.Tenants.Select(t => t.Id));
        Assert.Equal(["rad-garcia", "rad-haddad", "rad-lindqvist", "rad-nakamura", "rad-okafor"], config.Radiologists.Select(r => r.Id));
        Assert.Equal(["ops-desk", "ops-manager"], config.AlertContactIds);
        Assert.Same(ReadingConfigurationLoader.DefaultRules, config.Rules); // no assignment-rules.json: the defaults
    }

    [Fact]
    public void The_sample_values_are_read_as_written()
    {
        var config = Load();
        var northwind = config.FindTenant("northwind")!;
        Assert.Equal(TimeSpan.FromMinutes(45), northwind.TurnaroundTarget(ReadingPriority.Stat));
        Assert.Equal(TimeSpan.FromHours(4), northwind.TurnaroundTarget(ReadingPriority.Urgent));
        Assert.Equal(TimeSpan.FromHours(24), northwind.TurnaroundTarget(ReadingPriority.Routine));
        Assert.Equal(TimeSpan.FromMinutes(10), northwind.ReminderInterval);
        Assert.Equal(2, northwind.MaxSilentReminders);
        Assert.True(northwind.AllowGeneralFallback);
        var sla = northwind.FindEscalationChain(northwind.SlaEscalationChainId)!;
        Assert.Equal([("ops-desk", TimeSpan.Zero), ("lead-neuro", TimeSpan.FromMinutes(15)), ("medical-director", TimeSpan.FromHours(1))], sla.Steps.Select(s => (s.ContactId, s.After)));
        var ed = northwind.FindReferrer("nw-ed")!;
        Assert.Equal("northwind-ehr", ed.FhirEndpointId);
        Assert.Equal(["ed-attending", "ed-charge-nurse"], ed.CriticalResultContacts.Select(c => c.Id));
        Assert.Equal(ContactChannel.Phone, ed.CriticalResultContacts[0].Channel);
        Assert.Equal("US-NJ", config.FindFacility("northwind-river")!.Value.Facility.Jurisdiction);
        Assert.Same(northwind, config.FindFacility("northwind-river")!.Value.Tenant);

        var contoso = config.FindTenant("contoso-clinics")!;
        Assert.Equal(TimeSpan.FromDays(2), contoso.TurnaroundTarget(ReadingPriority.Routine));
        Assert.Equal(TimeSpan.FromMinutes(15), contoso.ReminderInterval); // default

        var lindqvist = config.FindRadiologist("rad-lindqvist")!;
        Assert.Equal("Europe/Stockholm", lindqvist.Schedule.TimeZoneId);
        Assert.Equal(5, lindqvist.Schedule.Shifts.Count); // four nights and Saturday
        Assert.Equal("SE-RAD-0042", lindqvist.LocalId);
        Assert.Null(lindqvist.Npi);
        Assert.Equal(new ReaderConflict(ConflictKind.Referrer, "nw-ortho", "family member practises there"), Assert.Single(lindqvist.Conflicts));
        Assert.Equal(new ReaderCapacity(10, 15.5m), config.FindRadiologist("rad-haddad")!.Capacity);
    }

    [Fact]
    public void A_weekday_ct_head_in_new_york_goes_to_the_neuroradiologist_on_shift()
    {
        var config = Load();
        var study = new StudyForAssignment
        {
            StudyId = "s-1",
            TenantId = "northwind",
            FacilityId = "northwind-main",
            Modality = "CT",
            BodyPart = "HEAD",
            Priority = ReadingPriority.Stat,
            ReferrerId = "nw-ed",
        };
        // Wednesday 2026-01-14 10:00 in New York (15:00 UTC): Okafor on shift; Lindqvist's night ended (16:00 Stockholm).
        var decision = AssignmentEngine.Assign(study, config, new Dictionary<string, RadiologistLoad>(), Instants.Utc("2026-01-14T15:00Z"));
        Assert.Equal("rad-okafor", decision.ChosenRadiologistId);
        Assert.Contains(decision.Candidate("rad-lindqvist")!.Exclusions, e => e.Code == AssignmentReasonCodes.OffShift);
        // Haddad (general) is on shift in Chicago, but a neuroradiologist is eligible.
        Assert.Equal([AssignmentReasonCodes.SubspecialistAvailable], decision.Candidate("rad-haddad")!.Exclusions.Select(e => e.Code));
    }

    [Fact]
    public async Task The_folder_store_refuses_names_with_paths_and_returns_null_for_missing_documents()
    {
        var store = new FolderReadingConfigurationStore(Folder);
        Assert.Null(await store.ReadAsync("assignment-rules.json"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Folder, "tenants.json")), await store.ReadAsync("tenants.json"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("../config/tenants.json"));
        Assert.Null(await new FolderReadingConfigurationStore(Path.Combine(Folder, "does-not-exist")).ReadAsync("tenants.json"));
    }
}
