using System.Net;
using System.Net.Sockets;
using Telerad.Samples;

namespace Telerad.Local.Tests;

/// <summary>
/// A test's own folder: Telerad.Local's data, its key file, and the sample studies to upload. The samples' ground
/// truth (study.json, written by the generator, not by the pipeline) is moved out of the upload folder: it is not an
/// image and would be quarantined.
/// </summary>
internal sealed class TestSite : IDisposable
{
    public const string Tenant = "demo";

    private TestSite(string root, IReadOnlyList<SampleStudyDescriptor> truth)
    {
        Root = root;
        Truth = truth;
    }

    public string Root { get; }

    public string Data => Path.Combine(Root, "data");

    public string Samples => Path.Combine(Root, "samples");

    public string KeyFile => Path.Combine(Root, "keys.json");

    public IReadOnlyList<SampleStudyDescriptor> Truth { get; }

    public static TestSite Create(bool withSamples = true)
    {
        var root = Directory.CreateTempSubdirectory("telerad-local-test-").FullName;
        if (!withSamples)
        {
            return new TestSite(root, []);
        }

        var studies = SampleStudyGenerator.Generate(Path.Combine(root, "samples"));
        var truthFolder = Directory.CreateDirectory(Path.Combine(root, "truth")).FullName;
        var truth = new List<SampleStudyDescriptor>();
        foreach (var study in studies)
        {
            var target = Path.Combine(truthFolder, study.Descriptor.Folder + ".json");
            File.Move(Path.Combine(study.Directory, SampleStudyDescriptor.FileName), target);
            truth.Add(SampleStudyDescriptor.Load(target));
        }

        return new TestSite(root, truth);
    }

    /// <summary>Loopback ports free right now (the listeners are closed before returning).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>A task hub name of its own (letters and digits).</summary>
    public static string TaskHub(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be letting go of a file; the temp folder is cleaned up eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
