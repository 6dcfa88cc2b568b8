using Telerad.Dicom.Tests;

namespace Telerad.Cli.Tests;

/// <summary>Runs the built `telerad` command as a user would: a separate process.</summary>
internal static class TeleradProcess
{
    public static ExternalTool.Result Run(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "telerad.dll");
        Assert.True(File.Exists(dll), "telerad.dll is built next to the tests");
        return ExternalTool.Run("dotnet", [dll, .. arguments], TimeSpan.FromMinutes(2), System.Text.Encoding.UTF8);
    }
}
