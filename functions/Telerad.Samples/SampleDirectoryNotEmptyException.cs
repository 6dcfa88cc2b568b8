namespace Telerad.Samples;

/// <summary>The output folder holds files already and overwriting was not asked for.</summary>
public sealed class SampleDirectoryNotEmptyException : IOException
{
    public SampleDirectoryNotEmptyException()
    {
    }

    public SampleDirectoryNotEmptyException(string message)
        : base(message)
    {
    }

    public SampleDirectoryNotEmptyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
