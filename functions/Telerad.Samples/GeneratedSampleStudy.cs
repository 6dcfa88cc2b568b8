namespace Telerad.Samples;

/// <summary>One study written by <see cref="SampleStudyGenerator"/>: where, how big, and what it is.</summary>
public sealed record GeneratedSampleStudy(string Directory, long Bytes, SampleStudyDescriptor Descriptor);
