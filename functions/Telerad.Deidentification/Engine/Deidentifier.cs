namespace Telerad.Deidentification;

/// <summary>
/// Applies a <see cref="DeidentificationProfile"/> to one instance with a tenant's keys. Deterministic:
/// the same input, profile and keys give byte-identical output on any machine.
/// </summary>
public sealed class Deidentifier
{
    private readonly DeidentificationProfile _profile;
    private readonly DeidentificationKeys _keys;

    public Deidentifier(DeidentificationProfile profile, DeidentificationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(keys);
        profile.Validate();
        _profile = profile;
        _keys = keys;
    }

    /// <summary>De-identifies a data set (the input is not changed).</summary>
    public DeidentificationResult Deidentify(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _ = _profile;
        _ = _keys;
        throw new NotImplementedException("The engine is being written.");
    }
}
