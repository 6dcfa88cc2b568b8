namespace Telerad.Fhir.Auth;

/// <summary>
/// Where client secrets and signing keys live: Azure Key Vault in Azure (<see cref="KeyVaultSecretStore"/>),
/// <see cref="InMemorySecretStore"/> in tests and on a developer's machine. Configuration carries only the names.
/// </summary>
public interface ISecretStore
{
    /// <summary>The secret's current value; <see cref="SecretNotFoundException"/> when there is no such secret.</summary>
    Task<string> GetSecretAsync(string reference, CancellationToken cancellationToken);
}

/// <summary>The secret store has no secret under the reference: a configuration mistake, not worth retrying.</summary>
public sealed class SecretNotFoundException : Exception
{
    public SecretNotFoundException()
    {
    }

    public SecretNotFoundException(string message)
        : base(message)
    {
    }

    public SecretNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static SecretNotFoundException For(string reference) => new($"The secret store has no secret named '{reference}'.");
}
