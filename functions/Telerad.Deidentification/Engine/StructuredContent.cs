namespace Telerad.Deidentification;

/// <summary>
/// Clean Structured Content (PS3.15 E.3.4): an SR content item whose concept name is in Table E.3.4-1 gets the
/// table's action. X removes the whole content item; the other actions apply to the item's value attribute.
/// Content items whose concept is not in the table are cleaned like any other data set.
/// </summary>
internal static class StructuredContent
{
    public static DeidAction? ActionFor(DicomDataset item, DeidentificationProfile profile)
    {
        var valueType = item.GetString(DicomTags.ValueType);
        var concept = item.GetSequence(DicomTags.ConceptNameCodeSequence);
        if (valueType is null || concept is not { Items.Count: > 0 })
        {
            return null;
        }

        var code = concept.Items[0];
        var row = StructuredContentTable.Standard.Find(
            code.GetString(DicomTags.CodeValue) ?? string.Empty,
            code.GetString(DicomTags.CodingSchemeDesignator) ?? string.Empty,
            valueType);
        return row is null ? null : ActionResolver.ToAction(ActionResolver.EffectiveCode(row.Basic, row.OptionCodes, profile));
    }

    /// <summary>The attribute that holds a content item's value, by Value Type (PS3.3 C.17.3, Table C.17.3-2).</summary>
    public static DicomTag? ValueTagOf(DicomDataset item) => item.GetString(DicomTags.ValueType) switch
    {
        "TEXT" => DicomTags.TextValue,
        "PNAME" => DicomTags.PersonName,
        "DATE" => DicomTags.Date,
        "TIME" => DicomTags.Time,
        "DATETIME" => DicomTags.DateTime,
        "UIDREF" => DicomTags.UID,
        "CODE" => DicomTags.ConceptCodeSequence,
        "NUM" => DicomTags.MeasuredValueSequence,
        "IMAGE" or "COMPOSITE" or "WAVEFORM" => DicomTags.ReferencedSOPSequence,
        _ => null,
    };
}
