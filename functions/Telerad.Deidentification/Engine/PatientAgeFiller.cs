using System.Globalization;

namespace Telerad.Deidentification;

/// <summary>
/// With Retain Patient Characteristics, the birth date still goes (Table E.1-1 says X), so the age at the
/// time of the study is computed first and kept as Patient's Age (AS: nnnD, nnnW, nnnM or nnnY).
/// </summary>
internal static class PatientAgeFiller
{
    private static readonly DicomTag[] ReferenceDates = [DicomTags.StudyDate, DicomTags.SeriesDate, DicomTags.AcquisitionDate, DicomTags.ContentDate];

    public static void AddIfMissing(DicomDataset source, DicomDataset target, DeidentificationProfile profile)
    {
        if (!profile.Has(DeidentificationOption.RetainPatientCharacteristics) || !string.IsNullOrEmpty(target.GetString(DicomTags.PatientAge)))
        {
            return;
        }

        if (!DicomDate.TryParse(source.GetString(DicomTags.PatientBirthDate), out var birth))
        {
            return;
        }

        foreach (var tag in ReferenceDates)
        {
            if (DicomDate.TryParse(source.GetString(tag), out var at) && at.Value >= birth.Value)
            {
                target.SetString(DicomTags.PatientAge, Format(birth.Value, at.Value), DicomVR.AS);
                return;
            }
        }
    }

    /// <summary>The age in the largest unit that keeps it under 1000 and informative: days under 4 weeks, weeks under 3 months, months under 2 years.</summary>
    internal static string Format(DateOnly birth, DateOnly at)
    {
        var days = at.DayNumber - birth.DayNumber;
        var months = ((at.Year - birth.Year) * 12) + at.Month - birth.Month - (at.Day < birth.Day ? 1 : 0);
        var (value, unit) = days < 28 ? (days, 'D')
            : months < 3 ? (days / 7, 'W')
            : months < 24 ? (months, 'M')
            : (months / 12, 'Y');
        return Math.Min(value, 999).ToString("000", CultureInfo.InvariantCulture) + unit;
    }
}
