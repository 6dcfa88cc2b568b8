namespace Telerad.Deidentification;

/// <summary>
/// An encrypted re-identification record could not be opened: wrong key, a record of another tenant or
/// study, altered bytes, or an unknown format. The message names only the tenant, the de-identified study
/// UID and key ids (none of them PHI) and never the content.
/// </summary>
public sealed class ReidentificationMapException : Exception
{
    public ReidentificationMapException()
    {
    }

    public ReidentificationMapException(string message)
        : base(message)
    {
    }

    public ReidentificationMapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
