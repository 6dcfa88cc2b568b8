using System.Collections;
using Telerad.Fhir.Auth;

namespace Telerad.Local;

/// <summary>
/// Secrets for Telerad.Local, which has no Key Vault: each environment variable <c>TELERAD_SECRET_{reference}</c> is
/// the secret named {reference} (a FHIR endpoint's client secret or private key, as its configuration names it).
/// </summary>
public static class LocalSecrets
{
    public const string Prefix = "TELERAD_SECRET_";

    public static InMemorySecretStore FromEnvironment() => From(Environment.GetEnvironmentVariables());

    public static InMemorySecretStore From(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var store = new InMemorySecretStore();
        foreach (DictionaryEntry variable in variables)
        {
            if (variable.Key is string name && name.StartsWith(Prefix, StringComparison.Ordinal) && name.Length > Prefix.Length && variable.Value is string value)
            {
                store.Set(name[Prefix.Length..], value);
            }
        }

        return store;
    }
}
