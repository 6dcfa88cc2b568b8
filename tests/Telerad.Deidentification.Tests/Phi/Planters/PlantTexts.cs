namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Free text that mixes the patient's identifiers into ordinary words, as comments and descriptions do in
/// practice, sized for the VR's maximum length (PS3.5 Table 6.2-1). Every identifier used here also sits in its
/// structured home element of the same file, so an engine that cleans text by removing the data set's own
/// identifiers can pass; one that keeps free text as it is cannot.
/// </summary>
public static class PlantTexts
{
    /// <summary>For LT, ST, UT (and long private text).</summary>
    public static string Long(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return $"Patient {file.NameInText} (Zqxwv^Plantedname), MRN-77319462-PLANT, born 1963-02-17 (19630217), "
            + "tel +1-555-0199-4417, of 4417 Quillfeather Lane, Plantville. Referred by Dr Odwin Vrexlar to Quixburg Memorial "
            + "Hospital, accession ACC88123PLANT, other ID XPID-60418-PLANT (Zelmoor Health Authority). Brigadier Qorvath, "
            + "Vellmarsh Angler. Read by Yselda Brunhalt, scanned by Marlowyn Tusqueen on SN-QX-99317 (QXPLANTAE77).";
    }

    /// <summary>For LO (64 characters at most). <paramref name="variant"/> picks which identifiers.</summary>
    public static string Medium(PlantFile file, int variant)
    {
        ArgumentNullException.ThrowIfNull(file);
        return (variant % 4) switch
        {
            0 => $"{file.NameInText} MRN-77319462-PLANT 1963-02-17",
            1 => $"{file.NameInText} ACC88123PLANT 19630217",
            2 => "Dr Vrexlar Odwin for Plantedname, +1-555-0199-4417",
            _ => "Zqxwv at Quillfeather Lane Plantville, Quixburg",
        };
    }

    /// <summary>For SH (16 characters at most).</summary>
    public static string Short(PlantFile file, int variant)
    {
        ArgumentNullException.ThrowIfNull(file);
        return (variant % 3) switch
        {
            0 => file.Charset == PlantCharset.Ascii ? "Plantedname" : file.NameInText.Split(' ')[0],
            1 => "ACC88123PLANT",
            _ => "19630217 Zqxwv",
        };
    }

    /// <summary>Text for an element of VR <paramref name="vr"/>, or null when the VR holds no free text.</summary>
    public static string? ForVR(PlantFile file, DicomVR vr, int variant) => vr switch
    {
        DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC => Long(file),
        DicomVR.LO => Medium(file, variant),
        DicomVR.SH => Short(file, variant),
        _ => null,
    };
}
