namespace Telerad.Reading.Configuration;

/// <summary>
/// One problem in the configuration: the document (e.g. <c>radiologists.json</c>), the JSON path of the offending
/// value (e.g. <c>$.radiologists[2].shifts[0].end</c>), a stable code from <see cref="ConfigurationErrorCodes"/> and a
/// message for the operator.
/// </summary>
public sealed record ConfigurationError(string Document, string Path, string Code, string Message)
{
    public override string ToString() => $"{Document} {Path}: {Message} [{Code}]";
}

/// <summary>The stable, machine-readable codes of <see cref="ConfigurationError"/> (docs/configuration.md).</summary>
public static class ConfigurationErrorCodes
{
    public const string MissingDocument = "missing-document";
    public const string InvalidJson = "invalid-json";
    public const string MissingField = "missing-field";
    public const string UnknownField = "unknown-field";
    public const string DuplicateField = "duplicate-field";
    public const string WrongType = "wrong-type";
    public const string InvalidValue = "invalid-value";
    public const string NegativeValue = "negative-value";
    public const string InvalidDuration = "invalid-duration";
    public const string InvalidJurisdiction = "invalid-jurisdiction";
    public const string InvalidIdentifier = "invalid-identifier";
    public const string UnknownTimeZone = "unknown-time-zone";
    public const string InvalidShift = "invalid-shift";
    public const string OverlappingShifts = "overlapping-shifts";
    public const string DuplicateId = "duplicate-id";
    public const string UnknownReference = "unknown-reference";
    public const string InconsistentValue = "inconsistent-value";
}

/// <summary>The configuration could not be loaded; <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class ReadingConfigurationException : Exception
{
    public ReadingConfigurationException()
        : this([])
    {
    }

    public ReadingConfigurationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ReadingConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public ReadingConfigurationException(IReadOnlyList<ConfigurationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ConfigurationError> Errors { get; }

    private static string Describe(IReadOnlyList<ConfigurationError> errors) =>
        errors.Count == 0
            ? "The reading configuration is invalid."
            : $"The reading configuration has {errors.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
