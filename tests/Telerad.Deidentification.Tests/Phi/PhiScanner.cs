namespace Telerad.Deidentification.Tests.Phi;

/// <summary>A planted identifier (or a part of it) found in a file's bytes.</summary>
/// <param name="Offset">Byte offset in the file.</param>
/// <param name="Path">The element that holds the middle of the hit (see <see cref="DicomWalk.PathAt"/>): a UTF-16BE
/// pattern also matches a UTF-16LE value one byte early, when the byte before it is zero, so the start may lie in the header.</param>
public sealed record PhiHit(long Offset, PhiPattern Pattern, string Path)
{
    public PhiIdentifier Identifier => Pattern.Identifier;

    public override string ToString() => $"{Pattern.Describe()} at offset {Offset} (0x{Offset:X}) in {Path}";
}

/// <summary>
/// Searches whole files, byte for byte (preamble, file meta, every element, pixel data), for every part of
/// every planted identifier in every encoding of <see cref="PhiPattern.For"/>, and names the element each hit
/// is in. It knows nothing of DICOM semantics: what is in the bytes is found wherever it is.
/// </summary>
public sealed class PhiScanner(IEnumerable<PhiIdentifier> identifiers)
{
    public IReadOnlyList<PhiPattern> Patterns { get; } = PhiPattern.For(identifiers);

    public static PhiScanner ForAllIdentifiers { get; } = new(PlantedIdentifiers.All);

    public IReadOnlyList<PhiHit> Scan(ReadOnlySpan<byte> file)
    {
        var offsets = FindAll(file);
        if (offsets.Count == 0)
        {
            return [];
        }

        var walk = DicomByteWalker.Walk(file);
        return [.. offsets.Select(o => new PhiHit(o.Offset, o.Pattern, walk.PathAt(o.Offset + (o.Pattern.Bytes.Length / 2)))).OrderBy(h => h.Offset).ThenBy(h => h.Pattern.Identifier.Id, StringComparer.Ordinal)];
    }

    private List<(long Offset, PhiPattern Pattern)> FindAll(ReadOnlySpan<byte> file)
    {
        var found = new List<(long, PhiPattern)>();
        byte[]? folded = null;
        foreach (var pattern in Patterns)
        {
            ReadOnlySpan<byte> haystack;
            byte[] needle;
            if (pattern.IgnoreAsciiCase)
            {
                folded ??= AsciiFolding.Fold(file);
                haystack = folded;
                needle = AsciiFolding.Fold(pattern.Bytes);
            }
            else
            {
                haystack = file;
                needle = pattern.Bytes;
            }

            for (var start = 0; start <= haystack.Length - needle.Length;)
            {
                var index = haystack[start..].IndexOf(needle);
                if (index < 0)
                {
                    break;
                }

                found.Add((start + index, pattern));
                start += index + 1;
            }
        }

        return found;
    }
}
