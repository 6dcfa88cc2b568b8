namespace Telerad.Triage;

/// <summary>
/// What a triage model is and how to run it: the JSON manifest stored next to the .onnx file
/// (models/{id}/{version}/manifest.json; documented in docs/models.md).
/// </summary>
public sealed record ModelManifest
{
    public const string FormatName = "telerad-model-manifest";
    public const int CurrentFormatVersion = 1;
    public const string FileName = "manifest.json";

    public string Format { get; init; } = FormatName;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public required string Id { get; init; }

    public required string Version { get; init; }

    /// <summary>The .onnx file's name, next to the manifest.</summary>
    public required string File { get; init; }

    /// <summary>Lowercase hex SHA-256 of the .onnx file: verified before every load.</summary>
    public required string Sha256 { get; init; }

    public required string IntendedUse { get; init; }

    public required string Disclaimer { get; init; }

    public required ModelApplicability AppliesTo { get; init; }

    public required ModelPreprocessing Preprocessing { get; init; }

    public required ModelTensor Input { get; init; }

    public required ModelOutput Output { get; init; }

    public required IReadOnlyList<ModelFinding> Findings { get; init; }
}

/// <summary>Which series a model applies to. Empty lists mean "any".</summary>
public sealed record ModelApplicability
{
    public IReadOnlyList<string> Modalities { get; init; } = [];

    /// <summary>Body Part Examined values, compared ignoring case.</summary>
    public IReadOnlyList<string> BodyParts { get; init; } = [];

    public IReadOnlyList<string> SopClasses { get; init; } = [];

    public int MinSlices { get; init; } = 1;
}

/// <summary>How a slice becomes the model's input.</summary>
public sealed record ModelPreprocessing
{
    /// <summary>Apply the Modality LUT (Rescale Slope/Intercept or a LUT): pixel values become e.g. HU.</summary>
    public bool ModalityLut { get; init; } = true;

    /// <summary>Clip to the window and scale it to [0, 1]; null keeps the values as they are.</summary>
    public ModelWindow? Window { get; init; }

    public required ModelResample Resample { get; init; }

    public ModelNormalisation Normalise { get; init; } = new();

    /// <summary>Input channels: 1 is the slice alone; an odd number above 1 stacks each slice with its neighbours
    /// (edges repeated), the slice itself in the middle channel.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>At most this many slices per series, sampled evenly; 0 analyses every slice.</summary>
    public int MaxSlices { get; init; }
}

public sealed record ModelWindow(double Center, double Width);

/// <summary>Output size; method "area": each output pixel is the mean of the input pixels (i, j) with
/// floor(i * rows / inputRows) and floor(j * columns / inputColumns) equal to its row and column.</summary>
public sealed record ModelResample(int Rows, int Columns, string Method = ModelResample.Area)
{
    public const string Area = "area";
}

public sealed record ModelNormalisation(double Mean = 0, double Std = 1);

/// <summary>A tensor's name and shape; -1 is the dynamic batch dimension.</summary>
public sealed record ModelTensor(string Name, IReadOnlyList<int> Shape);

/// <summary>The output tensor and what its values mean.</summary>
public sealed record ModelOutput(string Name, IReadOnlyList<int> Shape, string Kind)
{
    /// <summary>[slices, findings]: a probability per slice and finding.</summary>
    public const string PerSliceProbability = "per-slice-probability";
}

/// <summary>One finding the model reports: which output column, when it counts, and whether it is critical.</summary>
public sealed record ModelFinding(string Id, string Label, int OutputIndex, double Threshold, bool Critical, ModelAggregation Aggregation);

/// <summary>
/// How slice probabilities become the study's: "max" (flagged when the highest reaches the threshold),
/// "top-k-mean" (the mean of the k highest), "consecutive" (flagged when n consecutive slices reach the threshold;
/// the score is the highest slice probability).
/// </summary>
public sealed record ModelAggregation(string Method, int K = 0, int N = 0)
{
    public const string Max = "max";
    public const string TopKMean = "top-k-mean";
    public const string Consecutive = "consecutive";
}
