using System.Security.Cryptography;
using Telerad.Dicom.Tests;

namespace Telerad.Cli.Tests;

/// <summary>
/// telerad-deidentify (functions/Telerad.Deidentify.Cli) is `telerad deidentify` compiled to native code. It is published
/// here as users publish it (Native AOT, once per test run) and must write byte for byte what the managed command writes:
/// every output file, the report and the exit code, for every transfer syntax, the pydicom test files (broken ones
/// included) and a folder with bad inputs, under both built-in profiles.
/// </summary>
public sealed class NativeDeidentifyTests(NativeDeidentifyTests.Published native)
    : IClassFixture<NativeDeidentifyTests.Published>
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var profile in new[] { "reading", "basic" })
        {
            foreach (var syntax in new[] { "ele", "eli", "ebe", "dfl", "jpll", "rle", "jls", "j2k" })
            {
                cases.Add("ct-" + syntax, profile);
            }

            cases.Add("pydicom", profile);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_native_build_writes_exactly_what_the_managed_command_writes(string input, string profile)
    {
        var folder = input == "pydicom" ? TestData.PydicomTestFiles : TestData.CtStudy(input[3..]);
        var scratch = TestData.NewScratchDirectory("native-deid");
        var keyFile = Path.Combine(scratch, "keys.json");
        Assert.Equal(0, native.Run("-i", TestData.CtStudy("ele"), "-o", Path.Combine(scratch, "first"), "--key-file", keyFile).ExitCode); // creates the key file (and says so)
        var managed = TeleradProcess.Run("deidentify", "-i", folder, "-o", Path.Combine(scratch, "managed"), "--key-file", keyFile, "--profile", profile, "--report", Path.Combine(scratch, "managed.json"));
        var nativeRun = native.Run("-i", folder, "-o", Path.Combine(scratch, "native"), "--key-file", keyFile, "--profile", profile, "--report", Path.Combine(scratch, "native.json"));

        Assert.Equal(managed.ExitCode, nativeRun.ExitCode);
        Assert.Equal(managed.StandardError, nativeRun.StandardError);
        var expected = Hashes(Path.Combine(scratch, "managed"));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Hashes(Path.Combine(scratch, "native")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(scratch, "managed.json")), File.ReadAllBytes(Path.Combine(scratch, "native.json")));
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public void Bad_arguments_get_the_same_answers()
    {
        foreach (var arguments in new[] { new[] { "-i", TestData.PydicomTestFiles, "-o", "/tmp/never", "--profile", "no-such-profile" }, ["-i", "/no/such/input", "-o", "/tmp/never"], [] })
        {
            var managed = TeleradProcess.Run(["deidentify", .. arguments]);
            var nativeRun = native.Run(arguments);
            Assert.NotEqual(0, nativeRun.ExitCode);
            Assert.Equal(managed.ExitCode, nativeRun.ExitCode);
            Assert.Equal(managed.StandardError.Replace("telerad deidentify", "telerad-deidentify", StringComparison.Ordinal), nativeRun.StandardError.Replace("telerad deidentify", "telerad-deidentify", StringComparison.Ordinal));
        }
    }

    private static SortedDictionary<string, string> Hashes(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    /// <summary>The native build, published once for the class with `dotnet publish` (Native AOT needs gcc or clang).</summary>
    public sealed class Published
    {
        private readonly string _binary;

        public Published()
        {
            var output = TestData.NewScratchDirectory("native-deid-publish");
            var project = Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Deidentify.Cli", "Telerad.Deidentify.Cli.csproj");
            var publish = ExternalTool.Run("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo", "-v", "quiet"], TimeSpan.FromMinutes(10));
            _binary = Path.Combine(output, "telerad-deidentify");
            Assert.True(publish.ExitCode == 0 && File.Exists(_binary), $"publish failed ({publish.ExitCode}):\n{publish.StandardOutput}\n{publish.StandardError}");
        }

        public ExternalTool.Result Run(params string[] arguments) => ExternalTool.Run(_binary, arguments, TimeSpan.FromMinutes(2), System.Text.Encoding.UTF8);
    }
}
