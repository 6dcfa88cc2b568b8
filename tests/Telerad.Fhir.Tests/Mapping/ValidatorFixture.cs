namespace Telerad.Fhir.Tests;

/// <summary>One validator for the test run: loading the R4 specification takes seconds, validating milliseconds.</summary>
public sealed class ValidatorFixture
{
    public FhirBundleValidator Validator { get; } = new();
}

[CollectionDefinition(Name)]
public sealed class ValidatorCollection : ICollectionFixture<ValidatorFixture>
{
    public const string Name = "FHIR validator";
}
