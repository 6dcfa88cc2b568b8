using Hl7.Fhir.Model;

namespace Telerad.Fhir.Tests;

/// <summary>
/// The validator under concurrency: the Firely validator is not thread-safe, so FhirBundleValidator runs one validation
/// at a time (deliveries run as parallel activities). Many parallel validations of valid and broken bundles give exactly
/// what sequential ones give (an unguarded validator corrupts its caches and answers). A pool of validators was measured
/// and gave nothing on this 2-core machine (validation is CPU-bound): docs/results.md.
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class ValidatorConcurrencyTests(ValidatorFixture fixture)
{
    [Fact]
    public void Parallel_validations_agree_with_sequential_ones()
    {
        var bundles = new List<Bundle>();
        foreach (var kind in new[] { ReportKinds.Preliminary, ReportKinds.Final, ReportKinds.Addendum })
        {
            bundles.Add(ReportBundleBuilder.Build(ReportBundleBuilderTests.Report(kind, critical: true, ai: true, update: kind != ReportKinds.Preliminary)));
            var broken = ReportBundleBuilder.Build(ReportBundleBuilderTests.Report(kind));
            var report = broken.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single();
            report.Code = null!;
            report.Status = null;
            bundles.Add(broken);
        }

        var expected = bundles.Select(b => fixture.Validator.Errors(b).Count).ToArray();
        Assert.Contains(expected, e => e == 0);
        Assert.Contains(expected, e => e > 0);

        var results = new int[bundles.Count * 8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => results[i] = fixture.Validator.Errors(bundles[i % bundles.Count]).Count);
        Assert.Equal(Enumerable.Range(0, results.Length).Select(i => expected[i % bundles.Count]), results);
    }
}
