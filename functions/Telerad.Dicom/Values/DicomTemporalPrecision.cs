namespace Telerad.Dicom;

/// <summary>
/// The last component a DA, TM or DT value spells out (PS3.5 Table 6.2-1: trailing null components say the value
/// is not precise to them). Fraction1 to Fraction6 count the digits of the fractional second: Fraction1 is tenths,
/// Fraction6 microseconds.
/// </summary>
public enum DicomTemporalPrecision
{
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Fraction1,
    Fraction2,
    Fraction3,
    Fraction4,
    Fraction5,
    Fraction6,
}
