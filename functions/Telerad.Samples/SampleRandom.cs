using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Telerad.Samples;

/// <summary>
/// A small deterministic generator (SplitMix64). System.Random is not used: its sequence for a seed is not
/// promised across .NET versions, and the samples must be byte-identical wherever they are generated.
/// Each independent stream (a slice's noise, the anatomy, a study's dates) is named, so adding a stream
/// never shifts another.
/// </summary>
internal struct SampleRandom(ulong state)
{
    // Irwin-Hall sum of four uniform 16-bit values: mean 4 * 65535 / 2, standard deviation 65536 / sqrt(3).
    private const double GaussianMean = 2 * 65535.0;
    private const double GaussianScale = 1.7320508075688772 / 65536.0;

    private ulong _state = state;

    public static SampleRandom For(long seed, string stream)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"telerad-samples/{seed}/{stream}")), hash);
        return new SampleRandom(BinaryPrimitives.ReadUInt64LittleEndian(hash));
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [min, max].</summary>
    public int Next(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min + 1));

    /// <summary>
    /// Approximately standard normal (within ±3.46): integer arithmetic and one multiplication, so it is
    /// cheap per pixel and bit-identical on every platform (no Log/Sin whose last bits may differ).
    /// </summary>
    public double NextGaussian()
    {
        var bits = NextUInt64();
        var sum = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48);
        return (sum - GaussianMean) * GaussianScale;
    }
}
