namespace Telerad.Deidentification;

/// <summary>Non-identifying dummy values for the D action, valid for each VR (PS3.5 Table 6.2-1).</summary>
internal static class DummyValues
{
    public const string Text = "ANONYMIZED";

    /// <summary>A dummy string for a string VR, or null when the VR is binary (see <see cref="Binary"/>).</summary>
    public static string? For(DicomVR vr) => vr switch
    {
        DicomVR.AE => Text,
        DicomVR.AS => "000D",
        DicomVR.CS => Text,
        DicomVR.DA => "19000101",
        DicomVR.DT => "19000101000000",
        DicomVR.TM => "000000",
        DicomVR.DS or DicomVR.IS => "0",
        DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT => Text,
        DicomVR.UR => "urn:telerad:anonymized",
        _ => null,
    };

    /// <summary>Binary dummies: zero of the VR's unit size (two bytes for byte VRs, to stay even).</summary>
    public static byte[] Binary(DicomVR vr) => new byte[Math.Max(2, DicomVRInfo.SwapUnit(vr))];
}
