using Microsoft.ML.OnnxRuntime;

namespace Telerad.Triage;

/// <summary>
/// A loaded model: its manifest and an ONNX Runtime session whose input and output agree with it. Thread-safe
/// (ONNX Runtime sessions may run concurrently); owned by <see cref="ModelLoader"/>'s cache.
/// </summary>
public sealed class TriageModel : IDisposable
{
    private readonly InferenceSession _session;

    internal TriageModel(ModelManifest manifest, InferenceSession session)
    {
        Manifest = manifest;
        _session = session;
    }

    public ModelManifest Manifest { get; }

    /// <summary>
    /// Runs the model on <paramref name="count"/> preprocessed slices laid out as [count, channels, rows, columns]
    /// and returns the output as [count, findings] probabilities.
    /// </summary>
    public float[] Run(ReadOnlyMemory<float> input, int count)
    {
        var p = Manifest.Preprocessing;
        long[] shape = [count, p.Channels, p.Resample.Rows, p.Resample.Columns];
        if (input.Length != count * p.Channels * p.Resample.Rows * p.Resample.Columns)
        {
            throw new ArgumentException($"The input holds {input.Length} values, not {count} slices of the model's input shape.", nameof(input));
        }

        // The tensor wraps the caller's memory (no copy); the Pin keeps it in place while ONNX Runtime reads it.
        using var pin = input.Pin();
        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshalFloats(input), shape);
        using var options = new RunOptions();
        using var outputs = _session.Run(options, [Manifest.Input.Name], [tensor], [Manifest.Output.Name]);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var findings = Manifest.Output.Shape[1];
        if (values.Length != count * findings)
        {
            throw new ModelLoadException($"Model {Manifest.Id} {Manifest.Version} returned {values.Length} values for {count} slices; its manifest says {findings} per slice.");
        }

        return values.ToArray();
    }

    public void Dispose() => _session.Dispose();

    private static Memory<float> MemoryMarshalFloats(ReadOnlyMemory<float> input) => System.Runtime.InteropServices.MemoryMarshal.AsMemory(input);
}

/// <summary>A model that cannot be used: hash mismatch, unreadable file, or a graph that does not match its manifest.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
