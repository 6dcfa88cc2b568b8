using Hl7.Fhir.Model;

namespace Telerad.Fhir.Tests;

/// <summary>
/// The warm-up's synthetic report and alert: valid R4 bundles (a warm-up that fails validation would still load the
/// profiles, but would hide a mapping regression), shaped like the largest report Telerad sends, with the made-up patient.
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class ValidatorWarmUpTests(ValidatorFixture fixture)
{
    [Fact]
    public void The_warm_up_validates_a_valid_critical_report_with_ai_triage_and_its_alert()
    {
        Assert.Equal(0, FhirValidatorWarmUp.Run(fixture.Validator));

        var bundle = ReportBundleBuilder.Build(FhirValidatorWarmUp.SyntheticReport);
        var resources = bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
        var types = resources.Select(r => r.TypeName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("DiagnosticReport", types);
        Assert.Contains("Device", types);
        Assert.True(resources.OfType<Observation>().Count() >= 2, "the critical finding and the AI triage as Observations");
        Assert.Equal("Patient?identifier=urn%3Atelerad%3Awarm-up|WARM-UP-PATIENT", resources.OfType<DiagnosticReport>().Single().Subject?.Reference);
        Assert.Contains(CommunicationBundleBuilder.Build(FhirValidatorWarmUp.SyntheticAlert).Entry.Select(e => e.Resource), r => r is Communication);
    }
}
