namespace Telerad.Deidentification.Tests.Phi;

/// <summary>One byte string the scanner looks for: a part of an identifier in one or more encodings that give these bytes.</summary>
public sealed record PhiPattern(PhiIdentifier Identifier, string Part, byte[] Bytes, IReadOnlySet<PhiEncoding> Encodings, bool IgnoreAsciiCase)
{
    public string Describe() => $"{Identifier.Id} '{Part}' as {string.Join('/', Encodings.Order())}";

    /// <summary>
    /// Every part of every identifier in every encoding that can hold it, merged where encodings give the same
    /// bytes (ASCII text is the same in ASCII, Latin-1 and UTF-8). ASCII letters match in either case (text
    /// VRs are case-preserving, but an engine or a system upstream may change case); the double-byte Japanese
    /// encodings match exactly, since their bytes are not letters.
    /// </summary>
    public static IReadOnlyList<PhiPattern> For(IEnumerable<PhiIdentifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var patterns = new List<PhiPattern>();
        foreach (var identifier in identifiers)
        {
            var byBytes = new Dictionary<string, (string Part, byte[] Bytes, HashSet<PhiEncoding> Encodings, bool Fold)>(StringComparer.Ordinal);
            foreach (var part in identifier.Parts.Distinct(StringComparer.Ordinal))
            {
                foreach (var encoding in Enum.GetValues<PhiEncoding>())
                {
                    if (PhiText.TryEncode(part, encoding) is not { Length: > 0 } bytes)
                    {
                        continue;
                    }

                    var fold = encoding is not (PhiEncoding.Iso2022Jis or PhiEncoding.ShiftJis or PhiEncoding.EucJp);
                    var key = (fold ? Convert.ToHexString(AsciiFolding.Fold(bytes)) : Convert.ToHexString(bytes)) + (fold ? "/i" : "/x");
                    if (!byBytes.TryGetValue(key, out var entry))
                    {
                        entry = (part, bytes, [], fold);
                        byBytes[key] = entry;
                    }

                    entry.Encodings.Add(encoding);
                }
            }

            patterns.AddRange(byBytes.Values.Select(e => new PhiPattern(identifier, e.Part, e.Bytes, e.Encodings, e.Fold)));
        }

        return patterns;
    }
}

/// <summary>ASCII case folding of bytes (A-Z to a-z); other bytes stay as they are.</summary>
public static class AsciiFolding
{
    public static byte[] Fold(ReadOnlySpan<byte> bytes)
    {
        var folded = bytes.ToArray();
        for (var i = 0; i < folded.Length; i++)
        {
            if (folded[i] is >= (byte)'A' and <= (byte)'Z')
            {
                folded[i] |= 0x20;
            }
        }

        return folded;
    }
}
