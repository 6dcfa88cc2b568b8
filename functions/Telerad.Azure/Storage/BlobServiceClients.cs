using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Telerad.Azure;

/// <summary>
/// The three ways Telerad reaches blob storage: an Entra identity (<see cref="DefaultAzureCredential"/>: managed
/// identity in Azure, <c>az login</c> on a workstation), a container SAS URL (hospitals without Entra ID), and a
/// connection string (Azurite).
/// </summary>
public static class BlobServiceClients
{
    /// <summary><c>https://{account}.blob.core.windows.net</c> with an Entra credential (default: <see cref="DefaultAzureCredential"/>).</summary>
    public static BlobServiceClient FromAccountUrl(Uri accountUrl, TokenCredential? credential = null, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(accountUrl);
        if (!string.IsNullOrEmpty(accountUrl.Query))
        {
            throw new ArgumentException("The account URL must not carry a query (a SAS goes with --sas-url).", nameof(accountUrl));
        }

        return new BlobServiceClient(accountUrl, credential ?? new DefaultAzureCredential(), options);
    }

    /// <summary>
    /// A container SAS URL (<c>https://{account}.blob.core.windows.net/{container}?sv=...&amp;sig=...</c>, path-style
    /// for Azurite) as a service client whose requests all carry the SAS. The URL must name
    /// <paramref name="expectedContainer"/>: a SAS for another container would only fail later, with a 403.
    /// </summary>
    public static BlobServiceClient FromContainerSasUrl(Uri sasUrl, string expectedContainer, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sasUrl);
        var parts = new BlobUriBuilder(sasUrl);
        if (string.IsNullOrEmpty(parts.Sas?.Signature))
        {
            throw new ArgumentException("The SAS URL has no signature (sig=...).", nameof(sasUrl));
        }

        if (!string.Equals(parts.BlobContainerName, expectedContainer, StringComparison.Ordinal) || !string.IsNullOrEmpty(parts.BlobName))
        {
            throw new ArgumentException($"The SAS URL must be a container SAS for the '{expectedContainer}' container.", nameof(sasUrl));
        }

        var sas = parts.Sas.ToString();
        parts.Sas = null;
        parts.Query = null;
        parts.BlobContainerName = string.Empty;
        return new BlobServiceClient(parts.ToUri(), new AzureSasCredential(sas), options);
    }

    /// <summary>A storage connection string (Azurite's, or an account key's; keys are not used in Azure deployments).</summary>
    public static BlobServiceClient FromConnectionString(string connectionString, BlobClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new BlobServiceClient(connectionString, options);
    }
}
