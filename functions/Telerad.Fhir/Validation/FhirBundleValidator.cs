using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Telerad.Fhir;

/// <summary>One problem the validator found: severity, where, and what (FHIRPath location and the validator's text).</summary>
public sealed record FhirValidationIssue(string Severity, string Location, string Message);

/// <summary>A bundle with validation errors: it is not sent. The issues hold paths and codes; the message counts them.</summary>
public sealed class FhirValidationException(IReadOnlyList<FhirValidationIssue> issues)
    : Exception($"The FHIR bundle is not valid R4: {issues.Count} error(s).")
{
    public IReadOnlyList<FhirValidationIssue> Issues { get; } = issues;
}

/// <summary>
/// Offline validation against the R4 core profiles (the specification shipped in Hl7.Fhir.Specification.Data.R4), with
/// the Firely validator. Built once per process (loading the specification takes seconds; later validations take
/// milliseconds). Conditional references (Patient?identifier=…) cannot be resolved offline: they are
/// not fetched. Validations are serialised (the Firely validator is not thread-safe).
/// </summary>
public sealed class FhirBundleValidator
{
    private readonly Validator _validator;

    // The Firely validator and its caches are not thread-safe (FirelyTeam/firely-validator-api#381): one at a time.
    private readonly Lock _gate = new();

    public FhirBundleValidator()
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        _validator = new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    }

    /// <summary>Errors and fatal issues (warnings are not a reason to withhold a report).</summary>
    public IReadOnlyList<FhirValidationIssue> Errors(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        OperationOutcome outcome;
        lock (_gate)
        {
            outcome = _validator.Validate(resource);
        }

        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => new FhirValidationIssue(i.Severity?.ToString() ?? "error", string.Join(",", i.Expression ?? []), i.Details?.Text ?? i.Diagnostics ?? string.Empty))];
    }

    public void EnsureValid(Resource resource)
    {
        var errors = Errors(resource);
        if (errors.Count > 0)
        {
            throw new FhirValidationException(errors);
        }
    }
}
