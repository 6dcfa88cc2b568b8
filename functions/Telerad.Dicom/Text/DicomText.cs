using System.Text;

namespace Telerad.Dicom;

/// <summary>Text helpers shared by the typed accessors: padding rules and value splitting (PS3.5 6.2).</summary>
public static class DicomText
{
    /// <summary>Decodes bytes that are ASCII by definition (AE, CS, DA, DS, DT, IS, TM, UI, AS, UR).
    /// Latin-1 keeps any stray high byte visible instead of turning it into U+FFFD.</summary>
    public static string DecodeAscii(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Splits a decoded value into its values at '\' (not for LT, ST, UT, UR) and trims each per its VR.</summary>
    public static string[] SplitValues(string text, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DicomVRInfo.IsSingleValuedText(vr))
        {
            var single = TrimValue(text, vr);
            return single.Length == 0 && text.Length == 0 ? [] : [single];
        }

        if (text.Length == 0)
        {
            return [];
        }

        var parts = text.Split('\\');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = TrimValue(parts[i], vr);
        }

        return parts;
    }

    /// <summary>Removes the padding and the insignificant spaces that PS3.5 Table 6.2-1 allows for the VR.</summary>
    public static string TrimValue(string value, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(value);
        return vr switch
        {
            DicomVR.UI => value.TrimEnd('\0', ' '),
            // Leading spaces are significant in text VRs; trailing ones are padding.
            DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.PN or DicomVR.UC => value.TrimEnd('\0', ' '),
            DicomVR.UR => value.Trim(' ', '\0'),
            _ => value.Trim(' ', '\0'),
        };
    }

    /// <summary>Joins values with '\' and pads to even length with the VR's padding byte.</summary>
    public static byte[] EncodeValues(IEnumerable<string> values, DicomVR vr, DicomCharacterSet characterSet)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(characterSet);
        var joined = string.Join('\\', values);
        var bytes = DicomVRInfo.UsesSpecificCharacterSet(vr) ? characterSet.Encode(joined, vr) : EncodeAscii(joined, vr);
        if ((bytes.Length & 1) == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = DicomVRInfo.PaddingByte(vr);
        }

        return bytes;
    }

    private static byte[] EncodeAscii(string text, DicomVR vr)
    {
        foreach (var c in text)
        {
            if (c > 0x7E || (c < 0x20 && c != '\r' && c != '\n' && c != '\t' && c != '\f' && c != '\x1b'))
            {
                throw new ArgumentException($"VR {vr} allows only the default character repertoire.", nameof(text));
            }
        }

        return Encoding.ASCII.GetBytes(text);
    }
}
