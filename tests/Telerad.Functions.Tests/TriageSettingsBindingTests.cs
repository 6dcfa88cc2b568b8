using Microsoft.Extensions.Configuration;
using Telerad.Functions;
using Telerad.Triage;

namespace Telerad.Functions.Tests;

/// <summary>Triage settings bind from app settings the way the app binds them (TeleradFunctionsExtensions.AddTriage).</summary>
public class TriageSettingsBindingTests
{
    [Fact]
    public void Pinned_versions_bind_as_a_list_of_id_and_version()
    {
        // Environment variables are how app settings reach the worker: "__" separates, and the list index (not the
        // model id, whose dashes a Linux app setting name cannot hold) is the last key.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{FunctionSettings.TriageSection}:PinnedVersions:0"] = "intracranial-hyperdensity/1",
            [$"{FunctionSettings.TriageSection}:BatchSize"] = "16",
        }).Build();

        var options = configuration.GetSection(FunctionSettings.TriageSection).Get<TriageOptions>()!;
        options.Validate();

        Assert.Equal(16, options.BatchSize);
        Assert.Equal("1", options.PinnedVersionById()["intracranial-hyperdensity"]);
    }
}
