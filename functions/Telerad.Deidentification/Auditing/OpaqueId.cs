using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Telerad.Auditing;

/// <summary>
/// The shape of every identifier that audit records and re-identification keys carry: tenant ids,
/// de-identified UIDs, actor ids, purpose codes. One letter or digit, then up to 127 of letters, digits
/// and <c>. _ - : @ +</c>. No spaces, no '^' (person names), no '/', '\', '#', '?' (not allowed in Azure
/// Table keys, and path separators in file names). It cannot keep every identifier out (a medical record
/// number is digits too), but it stops free text such as "report for DOE^JOHN".
/// </summary>
public static class OpaqueId
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:@+");

    public static bool IsValid([NotNullWhen(true)] string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxLength
        && char.IsAsciiLetterOrDigit(value[0])
        && !value.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter (never echoing the value) when it is not an opaque id.</summary>
    public static string Require([NotNull] string? value, string parameterName)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(
                $"'{parameterName}' must be an opaque id: a letter or digit, then up to {MaxLength - 1} of letters, digits and . _ - : @ +.",
                parameterName);
        }

        return value;
    }
}
