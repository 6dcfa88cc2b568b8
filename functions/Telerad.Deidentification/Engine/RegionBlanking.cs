namespace Telerad.Deidentification;

/// <summary>Finds the profile's region blanking rule for a device (manufacturer, model and image size, exact match).</summary>
internal static class RegionBlanking
{
    public static RegionBlankingRule? Find(DicomDataset dataset, DeidentificationProfile profile)
    {
        if (profile.RegionBlanking.Count == 0)
        {
            return null;
        }

        var manufacturer = dataset.GetString(DicomTags.Manufacturer) ?? string.Empty;
        var model = dataset.GetString(DicomTags.ManufacturerModelName) ?? string.Empty;
        var rows = dataset.GetInt32(DicomTags.Rows);
        var columns = dataset.GetInt32(DicomTags.Columns);
        return profile.RegionBlanking.FirstOrDefault(r =>
            string.Equals(r.Manufacturer, manufacturer, StringComparison.OrdinalIgnoreCase)
            && string.Equals(r.ManufacturerModelName, model, StringComparison.OrdinalIgnoreCase)
            && r.Rows == rows && r.Columns == columns);
    }
}
