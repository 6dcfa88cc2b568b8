namespace Telerad.Fhir.Delivery;

/// <summary>One problem in the endpoint configuration: the JSON path, a stable code and a message for the operator.</summary>
public sealed record EndpointConfigurationError(string Path, string Code, string Message)
{
    public override string ToString() => $"{Path}: {Message} [{Code}]";
}

/// <summary>The stable codes of <see cref="EndpointConfigurationError"/> (docs/results-delivery.md).</summary>
public static class EndpointConfigurationErrorCodes
{
    public const string InvalidJson = "invalid-json";
    public const string MissingField = "missing-field";
    public const string UnknownField = "unknown-field";
    public const string WrongType = "wrong-type";
    public const string InvalidValue = "invalid-value";
    public const string InvalidIdentifier = "invalid-identifier";
    public const string DuplicateId = "duplicate-id";
    public const string InvalidUrl = "invalid-url";
    public const string InsecureUrl = "insecure-url";
    public const string UnknownKind = "unknown-kind";
    public const string InvalidScope = "invalid-scope";
    public const string InvalidSecretReference = "invalid-secret-reference";
    public const string NotLoopback = "not-loopback";
}

/// <summary>The endpoint configuration is invalid; <see cref="Errors"/> lists every problem, not just the first.</summary>
public sealed class FhirEndpointConfigurationException : Exception
{
    public FhirEndpointConfigurationException()
        : this([])
    {
    }

    public FhirEndpointConfigurationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public FhirEndpointConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public FhirEndpointConfigurationException(IReadOnlyList<EndpointConfigurationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<EndpointConfigurationError> Errors { get; }

    private static string Describe(IReadOnlyList<EndpointConfigurationError> errors) =>
        errors.Count == 0
            ? "The FHIR endpoint configuration is invalid."
            : $"The FHIR endpoint configuration has {errors.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
