using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Telerad.Upload;

/// <summary>Tenant ids and upload ids as they appear in object names: <c>incoming/{tenant}/{upload-id}/...</c>.</summary>
public static class UploadIds
{
    public const int MaxTenantLength = 64;
    public const int MaxUploadIdLength = 128;

    private static readonly SearchValues<char> SegmentCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>
    /// A new upload id: the UTC time to the second, then 8 random hex digits, e.g. <c>20250301T120000Z-3f9a1c2b</c>.
    /// Sorts by time, is unique without coordination, and is a safe blob path segment.
    /// </summary>
    public static string NewUploadId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>A letter or digit, then letters, digits, '.', '_' or '-'; no path separators, so it is one path segment.</summary>
    public static bool IsValidSegment(string? value, int maxLength) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= maxLength
        && char.IsAsciiLetterOrDigit(value[0])
        && !value.AsSpan().ContainsAnyExcept(SegmentCharacters);

    internal static void RequireTenant(string? tenant)
    {
        if (!IsValidSegment(tenant, MaxTenantLength))
        {
            throw new ArgumentException($"The tenant must be a letter or digit followed by up to {MaxTenantLength - 1} letters, digits, '.', '_' or '-'.", nameof(tenant));
        }
    }

    internal static void RequireUploadId(string? uploadId)
    {
        if (!IsValidSegment(uploadId, MaxUploadIdLength))
        {
            throw new ArgumentException($"The upload id must be a letter or digit followed by up to {MaxUploadIdLength - 1} letters, digits, '.', '_' or '-'.", nameof(uploadId));
        }
    }
}
