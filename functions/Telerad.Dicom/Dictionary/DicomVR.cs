namespace Telerad.Dicom;

/// <summary>
/// Value Representations (PS3.5 6.2). The numeric value is the two ASCII characters as they appear
/// in an explicit VR header read big-endian, so parsing a header is a single 16-bit read.
/// </summary>
public enum DicomVR : ushort
{
    /// <summary>No VR: items and delimiters, or an entry the dictionary does not know.</summary>
    None = 0,
    AE = ('A' << 8) | 'E',
    AS = ('A' << 8) | 'S',
    AT = ('A' << 8) | 'T',
    CS = ('C' << 8) | 'S',
    DA = ('D' << 8) | 'A',
    DS = ('D' << 8) | 'S',
    DT = ('D' << 8) | 'T',
    FD = ('F' << 8) | 'D',
    FL = ('F' << 8) | 'L',
    IS = ('I' << 8) | 'S',
    LO = ('L' << 8) | 'O',
    LT = ('L' << 8) | 'T',
    OB = ('O' << 8) | 'B',
    OD = ('O' << 8) | 'D',
    OF = ('O' << 8) | 'F',
    OL = ('O' << 8) | 'L',
    OV = ('O' << 8) | 'V',
    OW = ('O' << 8) | 'W',
    PN = ('P' << 8) | 'N',
    SH = ('S' << 8) | 'H',
    SL = ('S' << 8) | 'L',
    SQ = ('S' << 8) | 'Q',
    SS = ('S' << 8) | 'S',
    ST = ('S' << 8) | 'T',
    SV = ('S' << 8) | 'V',
    TM = ('T' << 8) | 'M',
    UC = ('U' << 8) | 'C',
    UI = ('U' << 8) | 'I',
    UL = ('U' << 8) | 'L',
    UN = ('U' << 8) | 'N',
    UR = ('U' << 8) | 'R',
    US = ('U' << 8) | 'S',
    UT = ('U' << 8) | 'T',
    UV = ('U' << 8) | 'V',
}

/// <summary>Encoding facts per VR (PS3.5 Table 6.2-1 and 7.1.2).</summary>
public static class DicomVRInfo
{
    /// <summary>True for a VR code this library knows.</summary>
    public static bool IsKnown(DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.AT or DicomVR.CS or DicomVR.DA or DicomVR.DS or DicomVR.DT or DicomVR.FD or DicomVR.FL or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.PN or DicomVR.SH or DicomVR.SL or DicomVR.SQ or DicomVR.SS or DicomVR.ST or DicomVR.SV or DicomVR.TM or DicomVR.UC or DicomVR.UI or DicomVR.UL or DicomVR.UN or DicomVR.UR or DicomVR.US or DicomVR.UT or DicomVR.UV;

    /// <summary>VRs whose explicit header has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1).</summary>
    public static bool HasLongExplicitLength(DicomVR vr) => vr is DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL
        or DicomVR.OV or DicomVR.OW or DicomVR.SQ or DicomVR.SV or DicomVR.UC or DicomVR.UN or DicomVR.UR
        or DicomVR.UT or DicomVR.UV;

    /// <summary>Character-string VRs (values are text, possibly multi-valued with '\').</summary>
    public static bool IsString(DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA
        or DicomVR.DS or DicomVR.DT or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH
        or DicomVR.ST or DicomVR.TM or DicomVR.UC or DicomVR.UI or DicomVR.UR or DicomVR.UT;

    /// <summary>String VRs whose text is decoded with the Specific Character Set (PS3.5 6.1.2.3).</summary>
    public static bool UsesSpecificCharacterSet(DicomVR vr) => vr is DicomVR.LO or DicomVR.LT or DicomVR.PN
        or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT;

    /// <summary>Text VRs that hold a single value: backslash is an ordinary character there.</summary>
    public static bool IsSingleValuedText(DicomVR vr) => vr is DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UR;

    /// <summary>
    /// Size of the unit that is byte-swapped between little and big endian: 1 for bytes and text,
    /// 2, 4 or 8 for binary numbers. AT is a pair of 16-bit numbers.
    /// </summary>
    public static int SwapUnit(DicomVR vr) => vr switch
    {
        DicomVR.AT or DicomVR.OW or DicomVR.SS or DicomVR.US => 2,
        DicomVR.FL or DicomVR.OF or DicomVR.OL or DicomVR.SL or DicomVR.UL => 4,
        DicomVR.FD or DicomVR.OD or DicomVR.OV or DicomVR.SV or DicomVR.UV => 8,
        _ => 1,
    };

    /// <summary>Byte used to pad a value to even length: NUL for UI and binary, space for text.</summary>
    public static byte PaddingByte(DicomVR vr) => IsString(vr) && vr != DicomVR.UI ? (byte)' ' : (byte)0;

    /// <summary>Parses the two header characters; returns <see cref="DicomVR.None"/> for codes that are not VRs.</summary>
    public static DicomVR FromBytes(byte first, byte second)
    {
        var vr = (DicomVR)((first << 8) | second);
        return IsKnown(vr) ? vr : DicomVR.None;
    }

    public static DicomVR Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length == 2)
        {
            var vr = FromBytes((byte)code[0], (byte)code[1]);
            if (vr != DicomVR.None)
            {
                return vr;
            }
        }

        throw new FormatException($"'{code}' is not a DICOM VR.");
    }

    public static string ToCode(DicomVR vr) => vr == DicomVR.None ? "??" : vr.ToString();
}
