using System.Collections.Concurrent;

namespace Telerad.Fhir.Auth;

/// <summary>Secrets held in memory: for tests and local runs, where there is no Key Vault.</summary>
public sealed class InMemorySecretStore : ISecretStore
{
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public InMemorySecretStore Set(string reference, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(value);
        _secrets[reference] = value;
        return this;
    }

    public Task<string> GetSecretAsync(string reference, CancellationToken cancellationToken) =>
        _secrets.TryGetValue(reference, out var value)
            ? Task.FromResult(value)
            : Task.FromException<string>(SecretNotFoundException.For(reference));
}
