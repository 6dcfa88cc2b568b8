using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Storage;

/// <summary>
/// <c>incoming/{tenant}/{upload-id}/manifest.json</c>, written by an uploader after every object of the upload
/// (docs/storage.md, "Upload manifest"). It tells ingestion what to expect: the objects and their SHA-256, and
/// how many distinct SOP instances each study has, so study assembly can complete without waiting for a quiet period.
/// </summary>
public sealed record UploadManifest
{
    public const string FormatName = "telerad-upload-manifest";
    public const int CurrentVersion = 1;

    /// <summary>The manifest's own name under the upload's prefix.</summary>
    public const string FileName = "manifest.json";

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = CurrentVersion;

    public required string Tenant { get; init; }

    public required string UploadId { get; init; }

    /// <summary>When the manifest was written (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Every object of the upload except the manifest, in ordinal name order.</summary>
    public required IReadOnlyList<UploadManifestObject> Objects { get; init; }

    /// <summary>Distinct SOP instances over all studies (the sum of <see cref="UploadManifestStudy.Instances"/>).</summary>
    public required int ExpectedInstances { get; init; }

    public required IReadOnlyList<UploadManifestStudy> Studies { get; init; }

    /// <summary>The prefix every object of an upload lives under in the <c>incoming</c> container: <c>{tenant}/{upload-id}/</c>.</summary>
    public static string PrefixOf(string tenant, string uploadId) => $"{tenant}/{uploadId}/";
}

/// <summary>One uploaded object. <see cref="Name"/> is relative to the upload's prefix (<c>{tenant}/{upload-id}/</c>), '/'-separated.</summary>
public sealed record UploadManifestObject(string Name, string Sha256, long Length, string Kind);

/// <summary>A study found in the upload and how many distinct SOP instances of it the upload holds (inside zips too).</summary>
public sealed record UploadManifestStudy(string StudyInstanceUid, int Instances);

/// <summary>The values of <see cref="UploadManifestObject.Kind"/>.</summary>
public static class UploadObjectKinds
{
    /// <summary>A DICOM file with Study and SOP Instance UIDs.</summary>
    public const string Dicom = "dicom";

    /// <summary>A zip archive (its DICOM entries are counted in the studies).</summary>
    public const string Zip = "zip";

    /// <summary>Anything else; ingestion decides (it will most likely quarantine it as not-dicom).</summary>
    public const string Other = "other";
}

/// <summary>Reads and writes <see cref="UploadManifest"/> as JSON (camelCase, source-generated).</summary>
public static class UploadManifestJson
{
    public static byte[] Serialize(UploadManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return JsonSerializer.SerializeToUtf8Bytes(manifest, UploadManifestJsonContext.Default.UploadManifest);
    }

    /// <summary>Parses a manifest; <see cref="InvalidDataException"/> when it is not one of a version this code knows.</summary>
    public static UploadManifest Parse(ReadOnlySpan<byte> json)
    {
        UploadManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, UploadManifestJsonContext.Default.UploadManifest);
        }
        catch (JsonException e)
        {
            // JsonException messages quote no values, only paths and positions.
            throw new InvalidDataException("Not an upload manifest: " + e.Message, e);
        }

        if (manifest is null || manifest.Format != UploadManifest.FormatName)
        {
            throw new InvalidDataException($"Not an upload manifest: \"format\" is not \"{UploadManifest.FormatName}\".");
        }

        if (manifest.Version != UploadManifest.CurrentVersion)
        {
            throw new InvalidDataException($"Upload manifest version {manifest.Version} is not supported (this code reads version {UploadManifest.CurrentVersion}).");
        }

        return manifest;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(UploadManifest))]
internal sealed partial class UploadManifestJsonContext : JsonSerializerContext;
