namespace Telerad.Functions;

/// <summary>Names of the app settings the code reads; infra/ sets exactly these (docs/deployment.md).</summary>
public static class FunctionSettings
{
    /// <summary>Identity-based connection prefix: TeleradStorage__blobServiceUri, __tableServiceUri, __queueServiceUri, __credential, __clientId.
    /// A plain connection string under this name is accepted for Azurite.</summary>
    public const string StorageConnection = "TeleradStorage";

    /// <summary>Key Vault holding each tenant's de-identification keys.</summary>
    public const string KeyVaultUri = "Telerad:KeyVaultUri";

    /// <summary>Client id of the user-assigned managed identity (empty: system-assigned or developer credentials).</summary>
    public const string ManagedIdentityClientId = "Telerad:ManagedIdentityClientId";

    public const string TenantsSection = "Telerad:Tenants";
    public const string IngestionSection = "Ingestion";
    public const string StudyAssemblySection = "StudyAssembly";

    /// <summary>TriageOptions (IntraOpThreads, BatchSize, PreprocessParallelism, PinnedVersions) and ModelFolder: models from a local
    /// folder instead of the <c>models</c> container (for a host that ships them in its package).</summary>
    public const string TriageSection = "Triage";
    public const string TriageModelFolder = "Triage:ModelFolder";

    /// <summary>Identity-based Service Bus connection: TeleradServiceBus__fullyQualifiedNamespace (the app's managed identity
    /// sends; the credential and client id are the storage connection's). A plain connection string is accepted for tests.</summary>
    public const string ServiceBusConnection = "TeleradServiceBus";

    /// <summary>StudyLinkOptions: ViewerUrlTemplate, ApiBaseUrl, Lifetime (links in radiologists' notifications).</summary>
    public const string LinksSection = "Links";

    /// <summary>FhirDeliveryOptions (optional): MaxAttempts, AttemptTimeout, BaseDelay, MaxDelay, MaxTotalTime per delivery
    /// round. The endpoints themselves are in config/fhir-endpoints.json (docs/results-delivery.md).</summary>
    public const string FhirDeliverySection = "FhirDelivery";
}
