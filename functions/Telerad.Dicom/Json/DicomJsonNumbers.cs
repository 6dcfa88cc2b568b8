namespace Telerad.Dicom;

/// <summary>
/// IS and DS text as JSON numbers (PS3.18 F.2.3). The digits are kept as written, only reshaped to the
/// JSON number grammar (RFC 8259 section 6): no '+' sign, no leading zeros, a digit on both sides of a
/// decimal point. So "+005.50" becomes 5.50 and a 16-digit DS keeps every digit a double would lose.
/// </summary>
internal static class DicomJsonNumbers
{
    /// <summary>Largest integer a JSON reader that uses IEEE doubles (JavaScript) reads exactly: 2^53 - 1.</summary>
    public const long MaxSafeInteger = 9007199254740991;

    /// <summary>
    /// Reshapes a DS (or, with <paramref name="integerOnly"/>, an IS) value into a JSON number. False when
    /// the text is not a number of that kind; the caller then writes it as a string, which F.2.3 allows
    /// for IS and DS "to preserve the original format".
    /// </summary>
    public static bool TryFormat(ReadOnlySpan<byte> text, bool integerOnly, Span<byte> destination, out int written)
    {
        written = 0;
        var i = 0;
        var negative = false;
        if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
        {
            negative = text[i] == (byte)'-';
            i++;
        }

        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        var integerDigits = text[integerStart..i];
        var fractionDigits = ReadOnlySpan<byte>.Empty;
        var hasPoint = false;
        if (i < text.Length && text[i] == (byte)'.')
        {
            hasPoint = true;
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }

            fractionDigits = text[fractionStart..i];
        }

        if (integerDigits.IsEmpty && fractionDigits.IsEmpty)
        {
            return false;
        }

        var exponent = ReadOnlySpan<byte>.Empty;
        if (i < text.Length && (text[i] == (byte)'e' || text[i] == (byte)'E'))
        {
            var exponentStart = i++;
            if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
            {
                i++;
            }

            var digitsStart = i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }

            if (i == digitsStart)
            {
                return false;
            }

            exponent = text[exponentStart..i];
        }

        if (i != text.Length || (integerOnly && (hasPoint || !exponent.IsEmpty)))
        {
            return false;
        }

        integerDigits = integerDigits.TrimStart((byte)'0');
        negative &= !(integerOnly && integerDigits.IsEmpty); // an integer has no negative zero
        var length = (negative ? 1 : 0) + Math.Max(1, integerDigits.Length)
            + (fractionDigits.IsEmpty ? 0 : fractionDigits.Length + 1) + exponent.Length;
        if (length > destination.Length)
        {
            return false;
        }

        if (negative)
        {
            destination[written++] = (byte)'-';
        }

        if (integerDigits.IsEmpty)
        {
            destination[written++] = (byte)'0';
        }
        else
        {
            integerDigits.CopyTo(destination[written..]);
            written += integerDigits.Length;
        }

        if (!fractionDigits.IsEmpty)
        {
            destination[written++] = (byte)'.';
            fractionDigits.CopyTo(destination[written..]);
            written += fractionDigits.Length;
        }

        exponent.CopyTo(destination[written..]);
        written += exponent.Length;
        return true;
    }
}
