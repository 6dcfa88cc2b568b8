using System.Text;
using System.Text.Json.Nodes;
using Telerad.Reading.Configuration;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Configuration;

public sealed class ConfigurationValidationTests
{
    private const string Tenants = "tenants.json";
    private const string Radiologists = "radiologists.json";
    private const string Operations = "operations.json";

    private static IReadOnlyList<ConfigurationError> Errors(ConfigDocuments docs)
    {
        var result = docs.TryLoad();
        Assert.False(result.Succeeded, "the configuration should have been refused");
        Assert.Null(result.Configuration);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    private static ConfigurationError Single(ConfigDocuments docs, string document, string path, string code)
    {
        var errors = Errors(docs);
        var error = Assert.Single(errors);
        Assert.Equal((document, path, code), (error.Document, error.Path, error.Code));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    private static ConfigDocuments WithRadiologist(Action<JsonObject> edit)
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1", edit);
        return docs;
    }

    [Fact]
    public void The_base_documents_load()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1");
        var config = docs.Load();
        Assert.Equal(["t1", "t2"], config.Tenants.Select(t => t.Id));
        Assert.Equal("r1", Assert.Single(config.Radiologists).Id);
    }

    [Theory]
    [InlineData(Tenants)]
    [InlineData(Radiologists)]
    [InlineData(Operations)]
    public void A_missing_required_document_is_reported(string name)
    {
        var docs = new ConfigDocuments();
        docs.Raw[name] = null;
        var errors = Errors(docs);
        Assert.Contains(errors, e => e.Document == name && e.Code == ConfigurationErrorCodes.MissingDocument);
    }

    [Fact]
    public void Invalid_json_is_reported_with_its_line_and_other_documents_are_still_checked()
    {
        var docs = new ConfigDocuments();
        docs.Raw[Tenants] = Encoding.UTF8.GetBytes("{\n  \"tenants\": [\n    { \"id\": \"t1\", }\n    oops\n");
        docs.AddRadiologist("r1", r => r["timeZone"] = "Mars/Olympus_Mons");
        var errors = Errors(docs);
        var json = Assert.Single(errors, e => e.Code == ConfigurationErrorCodes.InvalidJson);
        Assert.Equal(Tenants, json.Document);
        Assert.Contains("line 4", json.Message, StringComparison.Ordinal);
        // The radiologists document is still read; its facility references are not checked against a broken tenants.json.
        Assert.Contains(errors, e => e.Code == ConfigurationErrorCodes.UnknownTimeZone);
        Assert.DoesNotContain(errors, e => e.Code == ConfigurationErrorCodes.UnknownReference);
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_a_wrong_type()
    {
        var docs = new ConfigDocuments();
        docs.Raw[Radiologists] = Encoding.UTF8.GetBytes("[]");
        Single(docs, Radiologists, "$", ConfigurationErrorCodes.WrongType);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("displayName")]
    [InlineData("subspecialties")]
    [InlineData("licensedJurisdictions")]
    [InlineData("credentialedFacilities")]
    [InlineData("timeZone")]
    [InlineData("shifts")]
    [InlineData("capacity")]
    public void A_missing_radiologist_field_is_reported_without_crashing(string field)
    {
        var docs = WithRadiologist(r => r.Remove(field));
        Single(docs, Radiologists, "$.radiologists[0]." + field, ConfigurationErrorCodes.MissingField);
    }

    [Fact]
    public void A_null_field_counts_as_missing()
    {
        var docs = WithRadiologist(r => r["capacity"] = null);
        Single(docs, Radiologists, "$.radiologists[0].capacity", ConfigurationErrorCodes.MissingField);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("displayName")]
    [InlineData("turnaroundTargets")]
    [InlineData("escalationChains")]
    [InlineData("slaEscalationChain")]
    [InlineData("facilities")]
    public void A_missing_tenant_field_is_reported_without_crashing(string field)
    {
        var docs = new ConfigDocuments();
        docs.Tenant(1).Remove(field);
        var errors = Errors(docs);
        Assert.Contains(errors, e => e.Document == Tenants && e.Path == "$.tenants[1]." + field && e.Code == ConfigurationErrorCodes.MissingField);
    }

    [Fact]
    public void Every_field_of_every_document_missing_gives_errors_not_an_exception()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1");
        docs.Raw[Tenants] = Encoding.UTF8.GetBytes("""{ "tenants": [ {}, { "facilities": [ {} ], "referrers": [ { "criticalResultContacts": [ {} ] } ], "escalationChains": [ { "steps": [ {} ] } ] } ] }""");
        docs.Raw[Radiologists] = Encoding.UTF8.GetBytes("""{ "radiologists": [ {}, { "shifts": [ {} ], "capacity": {}, "conflicts": [ {} ] } ] }""");
        docs.Raw[Operations] = Encoding.UTF8.GetBytes("""{ "contacts": [ {} ] }""");
        var errors = Errors(docs);
        Assert.All(errors, e => Assert.Equal(ConfigurationErrorCodes.MissingField, e.Code));
        Assert.Contains(errors, e => e.Path == "$.tenants[1].facilities[0].jurisdiction");
        Assert.Contains(errors, e => e.Path == "$.tenants[1].referrers[0].criticalResultContacts[0].channel");
        Assert.Contains(errors, e => e.Path == "$.tenants[1].escalationChains[0].steps[0].contact");
        Assert.Contains(errors, e => e.Path == "$.radiologists[1].shifts[0].days");
        Assert.Contains(errors, e => e.Path == "$.radiologists[1].capacity.maxOpenRvus");
        Assert.Contains(errors, e => e.Path == "$.radiologists[1].conflicts[0].kind");
        Assert.Contains(errors, e => e.Path == "$.alertContacts" && e.Document == Operations);
        Assert.True(errors.Count >= 30, $"expected every missing field, got {errors.Count}");
    }

    [Fact]
    public void A_radiologist_credentialed_at_an_unknown_facility_is_an_unknown_reference()
    {
        var docs = WithRadiologist(r => r["credentialedFacilities"] = new JsonArray("f-ny", "f-nowhere"));
        var error = Single(docs, Radiologists, "$.radiologists[0].credentialedFacilities[1]", ConfigurationErrorCodes.UnknownReference);
        Assert.Contains("f-nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_escalation_chain_naming_an_unknown_contact_is_an_unknown_reference()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["escalationChains"]![0]!["steps"]![1]!["contact"] = "nobody";
        var error = Single(docs, Tenants, "$.tenants[0].escalationChains[0].steps[1].contact", ConfigurationErrorCodes.UnknownReference);
        Assert.Contains("nobody", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_sla_chain_that_is_not_defined_is_an_unknown_reference()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["slaEscalationChain"] = "missing";
        Single(docs, Tenants, "$.tenants[0].slaEscalationChain", ConfigurationErrorCodes.UnknownReference);
    }

    [Fact]
    public void A_referrer_critical_chain_that_is_not_defined_is_an_unknown_reference()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["referrers"]![0]!["criticalResultEscalationChain"] = "missing";
        Single(docs, Tenants, "$.tenants[0].referrers[0].criticalResultEscalationChain", ConfigurationErrorCodes.UnknownReference);
    }

    [Fact]
    public void An_alert_contact_that_is_not_defined_is_an_unknown_reference()
    {
        var docs = new ConfigDocuments();
        docs.Operations["alertContacts"] = new JsonArray("ops", "ghost");
        Single(docs, Operations, "$.alertContacts[1]", ConfigurationErrorCodes.UnknownReference);
    }

    [Fact]
    public void Conflicts_with_an_unknown_facility_or_referrer_are_unknown_references()
    {
        var docs = WithRadiologist(r => r["conflicts"] = new JsonArray(
            new JsonObject { ["kind"] = "facility", ["value"] = "f-ghost" },
            new JsonObject { ["kind"] = "referrer", ["value"] = "ref-ghost" },
            new JsonObject { ["kind"] = "patientJurisdiction", ["value"] = "New York" },
            new JsonObject { ["kind"] = "spouse", ["value"] = "x" }));
        var errors = Errors(docs);
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Path == "$.radiologists[0].conflicts[0].value" && e.Code == ConfigurationErrorCodes.UnknownReference);
        Assert.Contains(errors, e => e.Path == "$.radiologists[0].conflicts[1].value" && e.Code == ConfigurationErrorCodes.UnknownReference);
        Assert.Contains(errors, e => e.Path == "$.radiologists[0].conflicts[2].value" && e.Code == ConfigurationErrorCodes.InvalidJurisdiction);
        Assert.Contains(errors, e => e.Path == "$.radiologists[0].conflicts[3].kind" && e.Code == ConfigurationErrorCodes.InvalidValue);
    }

    [Fact]
    public void An_unknown_subspecialty_is_an_unknown_reference()
    {
        var docs = WithRadiologist(r => r["subspecialties"] = new JsonArray("general", "cardiac"));
        var error = Single(docs, Radiologists, "$.radiologists[0].subspecialties[1]", ConfigurationErrorCodes.UnknownReference);
        Assert.Contains("neuro", error.Message, StringComparison.Ordinal); // lists the known ones
    }

    [Theory]
    [InlineData("America/New_Yrok")]
    [InlineData("EST5")]
    [InlineData("Eastern Standard Time")] // a Windows name: refused so documents stay portable
    [InlineData("")]
    public void An_unknown_or_non_iana_time_zone_is_refused(string zone)
    {
        var docs = WithRadiologist(r => r["timeZone"] = zone);
        var errors = Errors(docs);
        var error = Assert.Single(errors);
        Assert.Equal("$.radiologists[0].timeZone", error.Path);
        Assert.Equal(zone.Length == 0 ? ConfigurationErrorCodes.MissingField : ConfigurationErrorCodes.UnknownTimeZone, error.Code);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/UTC")]
    [InlineData("Asia/Kolkata")]
    [InlineData("Australia/Lord_Howe")]
    public void Iana_time_zones_are_accepted(string zone)
    {
        var docs = WithRadiologist(r => r["timeZone"] = zone);
        Assert.Equal(zone, Assert.Single(docs.Load().Radiologists).Schedule.TimeZoneId);
    }

    [Fact]
    public void Overlapping_shifts_are_refused()
    {
        var docs = WithRadiologist(r => r["shifts"] = new JsonArray(
            new JsonObject { ["days"] = new JsonArray("Mon"), ["start"] = "08:00", ["end"] = "16:00" },
            new JsonObject { ["days"] = new JsonArray("Mon"), ["start"] = "15:00", ["end"] = "20:00" }));
        var error = Single(docs, Radiologists, "$.radiologists[0].shifts[1]", ConfigurationErrorCodes.OverlappingShifts);
        Assert.Contains("shift Monday 15:00-20:00 overlaps shift Monday 08:00-16:00 (at $.radiologists[0].shifts[0])", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overnight_shift_overlapping_the_next_mornings_shift_is_refused()
    {
        var docs = WithRadiologist(r => r["shifts"] = new JsonArray(
            new JsonObject { ["days"] = new JsonArray("Tue"), ["start"] = "22:00", ["end"] = "07:00" },
            new JsonObject { ["days"] = new JsonArray("Wed"), ["start"] = "06:00", ["end"] = "12:00" }));
        Single(docs, Radiologists, "$.radiologists[0].shifts[1]", ConfigurationErrorCodes.OverlappingShifts);
    }

    [Fact]
    public void A_sunday_night_shift_overlapping_monday_morning_is_refused()
    {
        var docs = WithRadiologist(r => r["shifts"] = new JsonArray(
            new JsonObject { ["days"] = new JsonArray("Mon"), ["start"] = "00:00", ["end"] = "08:00" },
            new JsonObject { ["days"] = new JsonArray("Sun"), ["start"] = "20:00", ["end"] = "01:00" }));
        Single(docs, Radiologists, "$.radiologists[0].shifts[1]", ConfigurationErrorCodes.OverlappingShifts);
    }

    [Fact]
    public void Back_to_back_shifts_do_not_overlap()
    {
        var docs = WithRadiologist(r => r["shifts"] = new JsonArray(
            new JsonObject { ["days"] = new JsonArray("Mon", "Tue"), ["start"] = "22:00", ["end"] = "06:00" },
            new JsonObject { ["days"] = new JsonArray("Tue", "Wed"), ["start"] = "06:00", ["end"] = "10:00" },
            new JsonObject { ["days"] = new JsonArray("Sun"), ["start"] = "00:00", ["end"] = "24:00" }));
        Assert.Equal(5, Assert.Single(docs.Load().Radiologists).Schedule.Shifts.Count);
    }

    [Theory]
    [InlineData("08:00", "08:00", "$.radiologists[0].shifts[0].end")]
    [InlineData("8:00", "16:00", "$.radiologists[0].shifts[0].start")]
    [InlineData("08:00", "25:00", "$.radiologists[0].shifts[0].end")]
    [InlineData("24:00", "06:00", "$.radiologists[0].shifts[0].start")]
    [InlineData("08:60", "16:00", "$.radiologists[0].shifts[0].start")]
    public void Invalid_shift_times_are_refused(string start, string end, string path)
    {
        var docs = WithRadiologist(r => r["shifts"] = new JsonArray(new JsonObject { ["days"] = new JsonArray("Mon"), ["start"] = start, ["end"] = end }));
        Single(docs, Radiologists, path, ConfigurationErrorCodes.InvalidShift);
    }

    [Fact]
    public void An_unknown_day_is_refused()
    {
        var docs = WithRadiologist(r => r["shifts"] = new JsonArray(new JsonObject { ["days"] = new JsonArray("Mon", "Monday"), ["start"] = "08:00", ["end"] = "16:00" }));
        Single(docs, Radiologists, "$.radiologists[0].shifts[0].days[1]", ConfigurationErrorCodes.InvalidValue);
    }

    [Theory]
    [InlineData("maxOpenStudies", -1)]
    [InlineData("maxOpenRvus", -0.5)]
    public void Negative_capacity_is_refused(string field, double value)
    {
        var docs = WithRadiologist(r => r["capacity"]![field] = value);
        Single(docs, Radiologists, "$.radiologists[0].capacity." + field, ConfigurationErrorCodes.NegativeValue);
    }

    [Fact]
    public void A_fractional_study_capacity_is_a_wrong_type()
    {
        var docs = WithRadiologist(r => r["capacity"]!["maxOpenStudies"] = 2.5);
        Single(docs, Radiologists, "$.radiologists[0].capacity.maxOpenStudies", ConfigurationErrorCodes.WrongType);
    }

    [Fact]
    public void Zero_capacity_is_allowed_it_pauses_the_reader()
    {
        var docs = WithRadiologist(r => r["capacity"] = new JsonObject { ["maxOpenStudies"] = 0, ["maxOpenRvus"] = 0 });
        Assert.Equal(new ReaderCapacity(0, 0), Assert.Single(docs.Load().Radiologists).Capacity);
    }

    [Fact]
    public void Duplicate_radiologist_ids_are_refused()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1");
        docs.AddRadiologist("r1");
        var error = Single(docs, Radiologists, "$.radiologists[1].id", ConfigurationErrorCodes.DuplicateId);
        Assert.Contains("$.radiologists[0].id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_facility_ids_across_tenants_are_refused()
    {
        var docs = new ConfigDocuments();
        docs.Tenant(1)["facilities"]![0]!["id"] = "f-nj";
        Single(docs, Tenants, "$.tenants[1].facilities[0].id", ConfigurationErrorCodes.DuplicateId);
    }

    [Fact]
    public void Duplicate_tenant_chain_contact_and_referrer_ids_are_refused()
    {
        var docs = new ConfigDocuments();
        docs.Tenant(1)["id"] = "t1";
        ((JsonArray)docs.Tenant()["escalationChains"]!).Add(new JsonObject { ["id"] = "sla", ["steps"] = new JsonArray(new JsonObject { ["contact"] = "ops" }) });
        ((JsonArray)docs.Operations["contacts"]!).Add(new JsonObject { ["id"] = "ops", ["displayName"] = "x", ["role"] = "x", ["channel"] = "email", ["address"] = "x@example.org" });
        docs.Tenant(1)["referrers"] = new JsonArray(JsonNode.Parse(docs.Tenant()["referrers"]![0]!.ToJsonString()));
        var errors = Errors(docs);
        Assert.Equal(
            ["$.contacts[2].id", "$.tenants[0].escalationChains[1].id", "$.tenants[1].id", "$.tenants[1].referrers[0].id"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal(ConfigurationErrorCodes.DuplicateId, e.Code));
    }

    [Theory]
    [InlineData("NY")]
    [InlineData("us-ny")]
    [InlineData("USA-NY")]
    [InlineData("US_NY")]
    public void An_invalid_jurisdiction_is_refused(string jurisdiction)
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["facilities"]![0]!["jurisdiction"] = jurisdiction;
        Single(docs, Tenants, "$.tenants[0].facilities[0].jurisdiction", ConfigurationErrorCodes.InvalidJurisdiction);
    }

    [Fact]
    public void An_invalid_licence_jurisdiction_is_refused()
    {
        var docs = WithRadiologist(r => r["licensedJurisdictions"] = new JsonArray("US-NY", "New Jersey"));
        Single(docs, Radiologists, "$.radiologists[0].licensedJurisdictions[1]", ConfigurationErrorCodes.InvalidJurisdiction);
    }

    [Theory]
    [InlineData("1234567890")] // wrong check digit
    [InlineData("123456789")]
    [InlineData("12345678931")]
    [InlineData("12345A7893")]
    public void An_invalid_npi_is_refused(string npi)
    {
        var docs = WithRadiologist(r => r["npi"] = npi);
        Single(docs, Radiologists, "$.radiologists[0].npi", ConfigurationErrorCodes.InvalidIdentifier);
    }

    [Fact]
    public void A_radiologist_without_npi_or_local_id_is_refused()
    {
        var docs = WithRadiologist(r => r.Remove("localId"));
        Single(docs, Radiologists, "$.radiologists[0].npi", ConfigurationErrorCodes.MissingField);
    }

    [Theory]
    [InlineData("30 minutes")]
    [InlineData("PT")]
    [InlineData("P1M")] // months: calendar dependent
    [InlineData("P1W")]
    [InlineData("PT0M")]
    [InlineData("-PT1H")]
    public void An_invalid_turnaround_duration_is_refused(string duration)
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["turnaroundTargets"]!["STAT"] = duration;
        Single(docs, Tenants, "$.tenants[0].turnaroundTargets.STAT", ConfigurationErrorCodes.InvalidDuration);
    }

    [Fact]
    public void A_missing_priority_target_is_reported()
    {
        var docs = new ConfigDocuments();
        ((JsonObject)docs.Tenant()["turnaroundTargets"]!).Remove("URGENT");
        Single(docs, Tenants, "$.tenants[0].turnaroundTargets.URGENT", ConfigurationErrorCodes.MissingField);
    }

    [Fact]
    public void A_stat_target_longer_than_urgent_is_inconsistent()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["turnaroundTargets"]!["STAT"] = "PT5H";
        Single(docs, Tenants, "$.tenants[0].turnaroundTargets.STAT", ConfigurationErrorCodes.InconsistentValue);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.2)]
    public void A_warning_fraction_outside_zero_one_is_refused(double fraction)
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["slaWarningFraction"] = fraction;
        Single(docs, Tenants, "$.tenants[0].slaWarningFraction", ConfigurationErrorCodes.InvalidValue);
    }

    [Fact]
    public void Negative_max_silent_reminders_are_refused()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["reminders"] = new JsonObject { ["interval"] = "PT5M", ["maxSilentReminders"] = -1 };
        Single(docs, Tenants, "$.tenants[0].reminders.maxSilentReminders", ConfigurationErrorCodes.NegativeValue);
    }

    [Fact]
    public void Escalation_steps_out_of_time_order_are_inconsistent()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["escalationChains"]![0]!["steps"]![0]!["after"] = "PT30M";
        Single(docs, Tenants, "$.tenants[0].escalationChains[0].steps[1].after", ConfigurationErrorCodes.InconsistentValue);
    }

    [Fact]
    public void A_referrer_without_critical_result_contacts_is_refused()
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["referrers"]![0]!["criticalResultContacts"] = new JsonArray();
        Single(docs, Tenants, "$.tenants[0].referrers[0].criticalResultContacts", ConfigurationErrorCodes.InvalidValue);
    }

    [Fact]
    public void An_unknown_channel_is_refused()
    {
        var docs = new ConfigDocuments();
        docs.Operations["contacts"]![1]!["channel"] = "carrier-pigeon";
        Single(docs, Operations, "$.contacts[1].channel", ConfigurationErrorCodes.InvalidValue);
    }

    [Fact]
    public void A_misspelt_field_is_an_unknown_field()
    {
        var docs = WithRadiologist(r => r["licencedJurisdictions"] = new JsonArray("US-NY"));
        var error = Single(docs, Radiologists, "$.radiologists[0].licencedJurisdictions", ConfigurationErrorCodes.UnknownField);
        Assert.Contains("licensedJurisdictions", error.Message, StringComparison.Ordinal); // says what was expected
    }

    [Fact]
    public void A_field_given_twice_is_reported()
    {
        var docs = new ConfigDocuments();
        docs.Raw[Operations] = Encoding.UTF8.GetBytes("""{ "contacts": [], "alertContacts": [], "contacts": [] }""");
        var errors = Errors(docs);
        Assert.Contains(errors, e => e.Path == "$.contacts" && e.Code == ConfigurationErrorCodes.DuplicateField);
    }

    [Fact]
    public void Wrong_types_are_reported_with_what_was_found()
    {
        var docs = WithRadiologist(r =>
        {
            r["subspecialties"] = "general";
            r["capacity"]!["maxOpenStudies"] = "ten";
        });
        docs.Tenant()["allowGeneralFallback"] = "yes";
        var errors = Errors(docs);
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal(ConfigurationErrorCodes.WrongType, e.Code));
        Assert.Contains(errors, e => e.Path == "$.radiologists[0].subspecialties" && e.Message.Contains("a string", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.radiologists[0].capacity.maxOpenStudies" && e.Message.Contains("\"ten\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.tenants[0].allowGeneralFallback");
    }

    [Fact]
    public void Problems_in_all_documents_are_reported_together()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1", r =>
        {
            r["timeZone"] = "Nowhere/Land";
            r["credentialedFacilities"] = new JsonArray("f-ghost");
            r["capacity"]!["maxOpenRvus"] = -3;
        });
        docs.AddRadiologist("r1");
        docs.Tenant()["facilities"]![1]!["jurisdiction"] = "NJ";
        docs.Tenant()["escalationChains"]![0]!["steps"]![0]!["contact"] = "ghost";
        docs.Operations["contacts"]![0]!["address"] = "";
        var errors = Errors(docs);
        Assert.Equal(
            [
                (Operations, "$.contacts[0].address", ConfigurationErrorCodes.MissingField),
                (Radiologists, "$.radiologists[0].capacity.maxOpenRvus", ConfigurationErrorCodes.NegativeValue),
                (Radiologists, "$.radiologists[0].credentialedFacilities[0]", ConfigurationErrorCodes.UnknownReference),
                (Radiologists, "$.radiologists[0].timeZone", ConfigurationErrorCodes.UnknownTimeZone),
                (Radiologists, "$.radiologists[1].id", ConfigurationErrorCodes.DuplicateId),
                (Tenants, "$.tenants[0].escalationChains[0].steps[0].contact", ConfigurationErrorCodes.UnknownReference),
                (Tenants, "$.tenants[0].facilities[1].jurisdiction", ConfigurationErrorCodes.InvalidJurisdiction),
            ],
            errors.Select(e => (e.Document, e.Path, e.Code)).Order());
    }

    [Fact]
    public void An_item_with_a_problem_is_reported_once_not_again_by_those_who_refer_to_it()
    {
        // The facility's jurisdiction is wrong, but its id is fine: credentialing at it is not also an unknown reference.
        var docs = WithRadiologist(r => r["credentialedFacilities"] = new JsonArray("f-nj"));
        docs.Tenant()["facilities"]![1]!["jurisdiction"] = "New Jersey";
        Single(docs, Tenants, "$.tenants[0].facilities[1].jurisdiction", ConfigurationErrorCodes.InvalidJurisdiction);
    }

    [Fact]
    public void The_exception_lists_every_problem()
    {
        var docs = WithRadiologist(r =>
        {
            r["timeZone"] = "Nowhere/Land";
            r["capacity"]!["maxOpenStudies"] = -1;
        });
        var e = Assert.Throws<ReadingConfigurationException>(() => ReadingConfigurationLoader.LoadAsync(docs.Store()).GetAwaiter().GetResult());
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("radiologists.json $.radiologists[0].timeZone", e.Message, StringComparison.Ordinal);
        Assert.Contains("radiologists.json $.radiologists[0].capacity.maxOpenStudies", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tenant_defaults_apply_when_optional_fields_are_left_out()
    {
        var docs = new ConfigDocuments();
        var t2 = docs.Load().FindTenant("t2")!;
        Assert.Equal(TimeSpan.FromMinutes(15), t2.ReminderInterval);
        Assert.Equal(2, t2.MaxSilentReminders);
        Assert.Equal(0.75, t2.SlaWarningFraction);
        Assert.False(t2.AllowGeneralFallback);
        Assert.Empty(t2.Referrers);
        Assert.Equal(TimeSpan.FromDays(2), t2.TurnaroundTarget(ReadingPriority.Routine));
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var docs = new ConfigDocuments();
        docs.Raw[Operations] = Encoding.UTF8.GetBytes("""
            {
              // the desk
              "contacts": [ { "id": "ops", "displayName": "Desk", "role": "operations-desk", "channel": "pager", "address": "1", }, { "id": "lead", "displayName": "Lead", "role": "lead", "channel": "sms", "address": "2" } ],
              "alertContacts": ["ops",],
            }
            """);
        Assert.Equal(2, docs.Load().OperationsContacts.Count);
    }
}
