namespace Telerad.Samples.Phantoms;

/// <summary>The tissue classes of the head phantom; CT and MR map them to their own intensities.</summary>
internal enum HeadTissue : byte
{
    Air,
    Scalp,
    Bone,
    SubarachnoidCsf,
    Ventricle,
    GreyMatter,
    DeepGreyMatter,
    WhiteMatter,
}
