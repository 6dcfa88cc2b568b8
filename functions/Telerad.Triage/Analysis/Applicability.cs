namespace Telerad.Triage;

/// <summary>Whether a model applies to a series, and if not, a reason a person can act on.</summary>
internal static class Applicability
{
    public static string? WhyNot(ModelManifest model, IReadOnlyList<SliceHeader> series)
    {
        var applies = model.AppliesTo;
        var first = series[0];
        if (applies.Modalities.Count > 0 && !applies.Modalities.Contains(first.Modality ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            return $"{model.Id}: modality {first.Modality ?? "(none)"} is not {string.Join(" or ", applies.Modalities)}";
        }

        if (applies.BodyParts.Count > 0 && !applies.BodyParts.Contains(first.BodyPart ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            return $"{model.Id}: body part {(string.IsNullOrEmpty(first.BodyPart) ? "(none)" : first.BodyPart)} is not {string.Join(" or ", applies.BodyParts)}";
        }

        if (applies.SopClasses.Count > 0 && series.Any(s => !applies.SopClasses.Contains(s.SopClass ?? string.Empty, StringComparer.Ordinal)))
        {
            return $"{model.Id}: SOP class {series.First(s => !applies.SopClasses.Contains(s.SopClass ?? string.Empty, StringComparer.Ordinal)).SopClass} is not one the model takes";
        }

        var slices = series.Sum(s => s.Frames);
        return slices < applies.MinSlices ? $"{model.Id}: {slices} slices; the model needs at least {applies.MinSlices}" : null;
    }
}
