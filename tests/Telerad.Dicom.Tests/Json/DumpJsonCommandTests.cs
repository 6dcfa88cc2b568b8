using System.Text;
using System.Text.Json;

namespace Telerad.Dicom.Tests.Json;

/// <summary>`telerad dump --json FILE`, run as the real command in its own process.</summary>
public sealed class DumpJsonCommandTests
{
    [Fact]
    public void Dump_json_prints_the_data_set_model_without_file_meta()
    {
        var path = ReferenceJson.PathOf("CT_small.dcm");
        var cli = Path.Combine(AppContext.BaseDirectory, "telerad.dll");

        var run = ExternalTool.Run("dotnet", [cli, "dump", "--json", path], outputEncoding: Encoding.UTF8);

        Assert.True(run.ExitCode == 0, run.StandardError);
        using var printed = JsonDocument.Parse(run.StandardOutput);
        Assert.DoesNotContain(printed.RootElement.EnumerateObject(), p => p.Name.StartsWith("0002", StringComparison.Ordinal));
        Assert.Contains("\n  \"00100010\": {", run.StandardOutput.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        var reference = ReferenceJson.For(path);
        Assert.Equal(ReferenceSource.Dcm2json, reference.Source);
        var differences = JsonModelComparer.Compare(printed.RootElement, reference.Root, reference.Source);
        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }
}
