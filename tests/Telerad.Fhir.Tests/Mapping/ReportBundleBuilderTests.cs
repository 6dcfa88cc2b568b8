using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Telerad.Fhir.Tests;

/// <summary>
/// The report → FHIR R4 mapping, checked by parsing the JSON back with the SDK and validating every bundle offline with
/// the Firely validator against the R4 core profiles (and a broken bundle, to show the validator can fail).
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class ReportBundleBuilderTests(ValidatorFixture fixture)
{
    private static readonly DateTimeOffset Issued = new(2026, 11, 28, 9, 30, 0, TimeSpan.Zero);

    internal static ReportForDelivery Report(string kind = ReportKinds.Final, bool critical = false, bool ai = false, bool update = false) => new()
    {
        Tenant = "hospital-a",
        ReportId = "2.25.77-r1",
        Kind = kind,
        UpdatesEarlierVersion = update,
        Findings = "Hyperdense focus in the right frontal lobe <script>alert(1)</script>.",
        Impression = "Acute intraparenchymal haemorrhage.",
        Critical = critical,
        Severity = critical ? "red" : null,
        CriticalDescription = critical ? "Acute intracranial haemorrhage" : null,
        Radiologist = new ReportingRadiologist("rad-neuro", "Dr. Neuro One", "1234567893", null, null),
        Issued = Issued,
        Patient = new PatientIdentity("MRN-0042", "urn:oid:1.2.840.99.1"),
        AccessionNumber = "ACC-9",
        AccessionSystem = "urn:oid:1.2.840.99.2",
        OriginalStudyInstanceUid = "1.2.840.99.3.4",
        Modalities = ["CT"],
        NumberOfSeries = 1,
        NumberOfInstances = 40,
        Ai = ai ? new AiTriageForDelivery("intracranial-hyperdensity", "1", [new AiFindingForDelivery("intracranial-hyperdensity", 0.998, 0.95, true)]) : null,
    };

    private static string Json(Bundle bundle) => new FhirJsonSerializer().SerializeToString(bundle);

    private static T Single<T>(Bundle bundle) where T : Resource => Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<T>());

    [Theory]
    [InlineData(ReportKinds.Preliminary, DiagnosticReport.DiagnosticReportStatus.Preliminary)]
    [InlineData(ReportKinds.Final, DiagnosticReport.DiagnosticReportStatus.Final)]
    [InlineData(ReportKinds.Addendum, DiagnosticReport.DiagnosticReportStatus.Appended)]
    [InlineData(ReportKinds.Amendment, DiagnosticReport.DiagnosticReportStatus.Amended)]
    public void Each_kind_maps_to_its_status_and_the_bundle_is_valid_R4(string kind, DiagnosticReport.DiagnosticReportStatus status)
    {
        var bundle = ReportBundleBuilder.Build(Report(kind, critical: true, ai: true, update: kind != ReportKinds.Preliminary));
        Assert.Equal(status, Single<DiagnosticReport>(bundle).Status);
        Assert.Empty(fixture.Validator.Errors(bundle));

        // It is FHIR JSON the SDK reads back, entry for entry.
        var parsed = new FhirJsonDeserializer().Deserialize<Bundle>(Json(bundle));
        Assert.Equal(bundle.Entry.Select(e => e.Resource!.TypeName), parsed.Entry.Select(e => e.Resource!.TypeName));
    }

    [Fact]
    public void The_same_report_gives_the_same_bundle_byte_for_byte()
    {
        Assert.Equal(Json(ReportBundleBuilder.Build(Report(critical: true, ai: true))), Json(ReportBundleBuilder.Build(Report(critical: true, ai: true))));
        Assert.NotEqual(Json(ReportBundleBuilder.Build(Report())), Json(ReportBundleBuilder.Build(Report(ReportKinds.Addendum, update: true))));
    }

    [Fact]
    public void The_first_version_is_a_conditional_create_and_later_ones_update_the_same_logical_report()
    {
        var first = bundleEntry(ReportBundleBuilder.Build(Report()));
        Assert.Equal((Bundle.HTTPVerb.POST, "DiagnosticReport"), (first.Request!.Method, first.Request.Url));
        Assert.Equal("identifier=https%3A%2F%2Ftelerad.example.org%2Ffhir%2Fsid%2Fhospital-a%2Freport|2.25.77-r1", first.Request!.IfNoneExist);

        var addendum = bundleEntry(ReportBundleBuilder.Build(Report(ReportKinds.Addendum, update: true)));
        Assert.Equal(Bundle.HTTPVerb.PUT, addendum.Request!.Method);
        Assert.Equal("DiagnosticReport?" + first.Request.IfNoneExist, addendum.Request.Url);

        static Bundle.EntryComponent bundleEntry(Bundle bundle) => bundle.Entry.Single(e => e.Resource is DiagnosticReport);
    }

    [Fact]
    public void References_point_inside_the_bundle_or_to_the_referrers_patient_and_order_by_identifier()
    {
        var bundle = ReportBundleBuilder.Build(Report(critical: true, ai: true));
        var urls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
        var report = Single<DiagnosticReport>(bundle);
        Assert.All(report.ResultsInterpreter.Concat(report.ImagingStudy).Concat(report.Result), r => Assert.Contains(r.Reference, urls));
        Assert.Equal("Patient?identifier=urn%3Aoid%3A1.2.840.99.1|MRN-0042", report.Subject!.Reference);
        Assert.Equal("ServiceRequest?identifier=urn%3Aoid%3A1.2.840.99.2|ACC-9", Assert.Single(report.BasedOn).Reference);
        Assert.Equal("urn:oid:1.2.840.99.3.4", Single<ImagingStudy>(bundle).Identifier[0].Value);
        Assert.Equal(FhirSystems.Npi, Single<Practitioner>(bundle).Identifier[0].System);
        Assert.Contains(Single<Provenance>(bundle).Target, t => t.Reference == bundle.Entry.Single(e => e.Resource is DiagnosticReport).FullUrl);
        Assert.All(bundle.Entry, e => Assert.StartsWith("urn:uuid:", e.FullUrl, StringComparison.Ordinal));
    }

    [Fact]
    public void A_critical_result_gets_a_conclusion_code_and_an_observation_and_AI_results_name_their_model()
    {
        var bundle = ReportBundleBuilder.Build(Report(critical: true, ai: true));
        Assert.Equal("AA", Single<DiagnosticReport>(bundle).ConclusionCode[0].Coding[0].Code);
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.Equal(2, observations.Count);
        Assert.Contains(observations, o => o.Code.Coding[0].Code == "critical-result" && o.Value is FhirString);
        var ai = observations.Single(o => o.Device is not null);
        Assert.Equal(0.998m, Assert.IsType<Quantity>(ai.Value).Value);
        Assert.Equal("intracranial-hyperdensity/1", Single<Device>(bundle).Identifier[0].Value);

        var plain = ReportBundleBuilder.Build(Report());
        Assert.Empty(Single<DiagnosticReport>(plain).ConclusionCode);
        Assert.DoesNotContain(plain.Entry, e => e.Resource is Observation or Device);
    }

    [Fact]
    public void Report_text_is_escaped_in_the_presented_form()
    {
        var html = Encoding.UTF8.GetString(Single<DiagnosticReport>(ReportBundleBuilder.Build(Report())).PresentedForm[0].Data!);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_reports_a_broken_report()
    {
        var bundle = ReportBundleBuilder.Build(Report());
        var report = Single<DiagnosticReport>(bundle);
        report.Code = null!;
        report.Status = null;
        var errors = fixture.Validator.Errors(bundle);
        Assert.NotEmpty(errors);
        Assert.Throws<FhirValidationException>(() => fixture.Validator.EnsureValid(bundle));
    }
}
