using System.Security.Cryptography;
using Telerad.Dicom.Tests;
using Telerad.Ingestion.Tests;

namespace Telerad.Triage.Tests;

public sealed class ModelLoaderTests
{
    private readonly string _root = TestData.NewScratchDirectory("triage-models");

    private ModelLoader Loader() => new(new FolderModelStore(_root), new TriageOptions());

    [Fact]
    public async Task A_model_whose_file_matches_its_hash_loads_once_and_is_cached()
    {
        ProbeModel.Install(_root);
        using var loader = Loader();

        var first = await loader.LoadAsync("probe/1");
        var again = await loader.LoadAsync("probe/1");

        Assert.Same(first, again);
        Assert.Equal("probe", first.Manifest.Id);
        // The probe's output is the plane's maximum and mean: one plane of 0.25 everywhere but one 0.75.
        var plane = Enumerable.Repeat(0.25f, 64).ToArray();
        plane[10] = 0.75f;
        var output = first.Run(plane, 1);
        Assert.Equal(0.75f, output[0], 6);
        Assert.Equal(((63 * 0.25f) + 0.75f) / 64, output[1], 6);
    }

    [Fact]
    public async Task A_file_that_does_not_match_the_manifest_hash_is_refused_before_loading()
    {
        var folder = ProbeModel.Install(_root);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, "model.onnx"));
        bytes[^1] ^= 0xFF; // one flipped byte
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), bytes);
        using var loader = Loader();

        var e = await Assert.ThrowsAsync<ModelLoadException>(() => loader.LoadAsync("probe/1"));
        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_model_with_a_matching_hash_gives_a_clear_error()
    {
        ProbeModel.Install(_root, onnx: RandomNumberGenerator.GetBytes(2048));
        using var loader = Loader();

        var e = await Assert.ThrowsAsync<ModelLoadException>(() => loader.LoadAsync("probe/1"));
        Assert.Contains("ONNX Runtime cannot load model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_graph_that_differs_from_its_manifest_is_refused()
    {
        ProbeModel.Install(_root, m => m with { Input = m.Input with { Name = "pixels" } });
        ProbeModel.Install(_root, m => m with { Output = m.Output with { Shape = [-1, 3] }, Findings = [m.Findings[0]] }, version: "2");
        using var loader = Loader();

        var name = await Assert.ThrowsAsync<ModelLoadException>(() => loader.LoadAsync("probe/1"));
        Assert.Contains("no float input named pixels (it has slices)", name.Message, StringComparison.Ordinal);
        var shape = await Assert.ThrowsAsync<ModelLoadException>(() => loader.LoadAsync("probe/2"));
        Assert.Contains("differ from the manifest", shape.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_in_the_wrong_folder_is_refused()
    {
        ProbeModel.Install(_root);
        Directory.Move(Path.Combine(_root, "probe", "1"), Path.Combine(_root, "probe", "7"));
        using var loader = Loader();

        var e = await Assert.ThrowsAsync<ModelManifestException>(() => loader.LoadAsync("probe/7"));
        Assert.Contains("describes probe/1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_load_from_the_models_container_too()
    {
        var store = new InMemoryObjectStore();
        var source = ProbeModel.Install(_root);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            store.Put(new ObjectRef(Containers.Models, "probe/1/" + Path.GetFileName(file)), await File.ReadAllBytesAsync(file));
        }

        store.Put(new ObjectRef(Containers.Models, "README.md"), [1, 2, 3]); // not a model: ignored
        var models = new ObjectStoreModelStore(store);
        Assert.Equal(["probe/1"], await models.ListAsync());
        using var loader = new ModelLoader(models, new TriageOptions());
        Assert.Equal("probe", Assert.Single(await loader.LoadAllAsync()).Manifest.Id);
    }

    [Fact]
    public async Task The_newest_version_of_each_model_runs_and_versions_compare_as_numbers()
    {
        ProbeModel.Install(_root, version: "2");
        ProbeModel.Install(_root, version: "10");
        ProbeModel.Install(_root, version: "9");
        ProbeModel.Install(_root, id: "other");
        using var loader = Loader();

        var (models, failures) = await loader.LoadActiveAsync();

        Assert.Empty(failures);
        Assert.Equal(["other/1", "probe/10"], models.Select(m => m.Manifest.Id + "/" + m.Manifest.Version).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_newer_version_that_cannot_load_is_reported_and_the_previous_one_runs()
    {
        ProbeModel.Install(_root);
        var broken = ProbeModel.Install(_root, version: "2");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(broken, "model.onnx"));
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(Path.Combine(broken, "model.onnx"), bytes);
        using var loader = Loader();

        var (models, failures) = await loader.LoadActiveAsync();

        Assert.Equal("1", Assert.Single(models).Manifest.Version);
        var failure = Assert.Single(failures);
        Assert.Equal("probe/2", failure.IdAndVersion);
        Assert.Contains("refused", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_version_runs_instead_of_the_newest()
    {
        ProbeModel.Install(_root);
        ProbeModel.Install(_root, version: "2");
        using var loader = new ModelLoader(new FolderModelStore(_root), new TriageOptions { PinnedVersions = ["probe/1"] });

        var (models, failures) = await loader.LoadActiveAsync();

        Assert.Empty(failures);
        Assert.Equal("1", Assert.Single(models).Manifest.Version);
    }

    [Fact]
    public async Task A_pin_to_a_version_not_installed_is_reported_and_nothing_of_that_model_runs()
    {
        ProbeModel.Install(_root);
        ProbeModel.Install(_root, version: "2");
        ProbeModel.Install(_root, id: "other");
        using var loader = new ModelLoader(new FolderModelStore(_root), new TriageOptions { PinnedVersions = ["probe/3"] });

        var (models, failures) = await loader.LoadActiveAsync();

        Assert.Equal("other", Assert.Single(models).Manifest.Id);
        var failure = Assert.Single(failures);
        Assert.Equal("probe/3", failure.IdAndVersion);
        Assert.Contains("pinned to version 3, which is not installed (installed: 1, 2)", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probe")]
    [InlineData("probe/")]
    [InlineData("/1")]
    [InlineData("probe/1/2")]
    [InlineData("probe/ 1")]
    public void A_pin_that_is_not_one_id_and_one_version_is_refused(string pin) =>
        Assert.Throws<ArgumentException>(() => new TriageOptions { PinnedVersions = [pin] }.Validate());

    [Fact]
    public void A_model_pinned_twice_is_refused()
    {
        new TriageOptions { PinnedVersions = ["probe/1", "other/1"] }.Validate();
        var e = Assert.Throws<ArgumentException>(() => new TriageOptions { PinnedVersions = ["probe/1", "probe/2"] }.Validate());
        Assert.Contains("probe is pinned more than once", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_versions_sort_as_numbers_before_named_ones() =>
        Assert.Equal(["1", "2", "10", "10-beta", "beta"], new[] { "beta", "10", "10-beta", "2", "1" }.Order(ModelVersions.Comparer));
}
