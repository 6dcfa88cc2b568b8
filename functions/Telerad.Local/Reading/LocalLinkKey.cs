using System.Security.Cryptography;
using Telerad.Notifications;

namespace Telerad.Local;

/// <summary>
/// The local link-signing key (Key Vault's secret in Azure): 32 random bytes in base64 in {data}/link-signing-key,
/// created on first start, readable by the owner only. Links signed before a restart stay valid.
/// </summary>
public static class LocalLinkKey
{
    public const string FileName = "link-signing-key";

    public static LinkSigningKeys LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var created = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
                writer.Write(created);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{path} is not a base64 link-signing key; delete it to create a new one (links already sent stop working).", e);
        }

        return key.Length == 32 ? new LinkSigningKeys("local", new Dictionary<string, byte[]> { ["local"] = key })
            : throw new InvalidOperationException($"{path} must hold 32 bytes in base64; delete it to create a new one.");
    }
}
