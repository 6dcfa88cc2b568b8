using Telerad.Reading.Configuration;

namespace Telerad.Workflow;

/// <summary>
/// Who calls the reading API, as the host authenticated them: in Azure, App Service authentication's Entra principal
/// (object id and app roles); locally, the development identity header (a user id, no roles).
/// </summary>
public sealed record ReadingCaller
{
    /// <summary>The Entra app role that may act on any study of any tenant (reassign, cancel, every status and timeline).</summary>
    public const string OperationsRole = "Telerad.Operations";

    /// <summary>An id for the audit trail: the Entra object id, or the development user id. Never a name.</summary>
    public required string UserId { get; init; }

    /// <summary>The Entra object id (<c>oid</c>); null for the development identity.</summary>
    public string? ObjectId { get; init; }

    public IReadOnlyCollection<string> Roles { get; init; } = [];

    /// <summary>The local development identity: the user id is taken as a radiologist or operations contact id.</summary>
    public bool Development { get; init; }

    /// <summary>The radiologist this caller is, or null: by Entra object id, or (development identity) by radiologist id.</summary>
    public string? RadiologistIn(ReadingConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (ObjectId is { } oid)
        {
            return configuration.Radiologists.FirstOrDefault(r => string.Equals(r.EntraObjectId, oid, StringComparison.OrdinalIgnoreCase))?.Id;
        }

        return Development && configuration.FindRadiologist(UserId) is not null ? UserId : null;
    }

    /// <summary>Operations: the Entra app role, or (development identity) an operations contact id of operations.json.</summary>
    public bool IsOperationsIn(ReadingConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Roles.Contains(OperationsRole, StringComparer.Ordinal) || (Development && configuration.FindOperationsContact(UserId) is not null);
    }
}
