using System.Security.Cryptography;

namespace Telerad.Triage.Tests;

/// <summary>
/// The probe model (TestModels/probe.onnx, written by make_probe_model.py): input [N,1,8,8], output [N,2] with
/// column 0 the plane's maximum and column 1 its mean, both clipped to [0, 1]. No learning, so every expected
/// value in the tests is computed by hand from the preprocessing rules.
/// </summary>
internal static class ProbeModel
{
    public static string OnnxFile => Path.Combine(AppContext.BaseDirectory, "TestModels", "probe.onnx");

    /// <summary>Window 0-80 HU scaled to [0, 1], 8x8 area resampling, no normalisation.</summary>
    public static ModelManifest Manifest(string sha256, string id = "probe", string version = "1") => new()
    {
        Id = id,
        Version = version,
        File = "model.onnx",
        Sha256 = sha256,
        IntendedUse = "Engine tests only.",
        Disclaimer = "Test model; not for clinical use.",
        AppliesTo = new ModelApplicability { Modalities = ["CT"], BodyParts = ["HEAD"], MinSlices = 3 },
        Preprocessing = new ModelPreprocessing
        {
            Window = new ModelWindow(40, 80),
            Resample = new ModelResample(8, 8),
        },
        Input = new ModelTensor("slices", [-1, 1, 8, 8]),
        Output = new ModelOutput("probability", [-1, 2], ModelOutput.PerSliceProbability),
        Findings =
        [
            new ModelFinding("bright", "Bright spot", 0, 0.5, Critical: true, new ModelAggregation(ModelAggregation.Max)),
            new ModelFinding("mean", "Bright slice", 1, 0.9, Critical: false, new ModelAggregation(ModelAggregation.TopKMean, K: 2)),
        ],
    };

    /// <summary>Writes {root}/{id}/{version}/model.onnx and manifest.json; <paramref name="edit"/> may change the manifest.</summary>
    public static string Install(string root, Func<ModelManifest, ModelManifest>? edit = null, byte[]? onnx = null, string id = "probe", string version = "1")
    {
        var bytes = onnx ?? File.ReadAllBytes(OnnxFile);
        var manifest = Manifest(Convert.ToHexStringLower(SHA256.HashData(bytes)), id, version);
        manifest = edit?.Invoke(manifest) ?? manifest;
        var folder = Path.Combine(root, id, version);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), bytes);
        File.WriteAllBytes(Path.Combine(folder, ModelManifest.FileName), ModelManifestJson.Serialize(manifest));
        return folder;
    }
}
