namespace Telerad.Reading.Configuration;

/// <summary>A person or desk of the reading service's operations (escalations, "no eligible reader" alerts). From <c>operations.json</c>.</summary>
public sealed record OperationsContact
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Free text role, e.g. <c>operations-desk</c>, <c>lead-radiologist</c>, <c>medical-director</c>.</summary>
    public required string Role { get; init; }

    public required ContactChannel Channel { get; init; }

    public required string Address { get; init; }
}
