using System.Text;
using System.Text.Json;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests.Reidentification;

public class ReidentificationMapProtectorTests
{
    private static readonly DeidentificationKeys Keys = DeidentificationKeys.Generate(Planted.Tenant);

    [Fact]
    public void A_sealed_entry_opens_to_the_same_entry()
    {
        var entry = Planted.Entry();
        var record = ReidentificationMapProtector.Protect(entry, Keys);

        var opened = ReidentificationMapProtector.Unprotect(record, Keys, Planted.Tenant, Planted.DeidentifiedStudyUid);

        Assert.Equal(entry, opened);
        Assert.Equal(Keys.MapEncryptionKeyId, ReidentificationMapProtector.ReadMapKeyId(record));
    }

    [Fact]
    public void An_independent_AES_GCM_implementation_opens_the_record_as_documented()
    {
        // Python's `cryptography` (OpenSSL underneath) parses the documented layout, rebuilds the documented
        // associated data and decrypts: the format is what the docs say and plain AES-256-GCM.
        var entry = Planted.Entry();
        var record = ReidentificationMapProtector.Protect(entry, Keys);
        var dir = Planted.TempDirectory();
        var recordPath = Path.Combine(dir, "record.bin");
        File.WriteAllBytes(recordPath, record);
        const string script = """
            import sys, json, struct, hashlib
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            record = open(sys.argv[1], 'rb').read()
            key = bytes.fromhex(sys.argv[2]); tenant = sys.argv[3]; study = sys.argv[4]
            assert record[:4] == b'TRID', 'magic'
            version = record[4]; n = record[5]
            key_id = record[6:6 + n].decode('ascii')
            assert key_id == hashlib.sha256(key).hexdigest()[:16], 'key id is not the SHA-256 prefix of the key'
            nonce = record[6 + n:18 + n]; tag = record[18 + n:34 + n]; ciphertext = record[34 + n:]
            def field(s):
                b = s.encode('utf-8'); return struct.pack('>H', len(b)) + b
            aad = b'TRID' + bytes([version]) + field(tenant) + field(study) + field(key_id)
            plain = AESGCM(key).decrypt(nonce, ciphertext + tag, aad)
            print(json.dumps({'version': version, 'nonce_len': len(nonce), 'entry': json.loads(plain)}))
            """;
        var result = ExternalTool.Run("/usr/bin/python3",
            ["-c", script, recordPath, Convert.ToHexString(Keys.MapEncryptionKey), Planted.Tenant, Planted.DeidentifiedStudyUid],
            outputEncoding: Encoding.UTF8);
        Assert.True(result.ExitCode == 0, result.StandardError);

        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(12, json.RootElement.GetProperty("nonce_len").GetInt32());
        var opened = json.RootElement.GetProperty("entry");
        Assert.Equal(entry.OriginalStudyInstanceUid, opened.GetProperty("originalStudyInstanceUid").GetString());
        Assert.Equal(entry.PatientName, opened.GetProperty("patientName").GetString());
        Assert.Equal(entry.PatientId, opened.GetProperty("patientId").GetString());
        Assert.Equal(entry.DateShiftDays, opened.GetProperty("dateShiftDays").GetInt32());
        Assert.Equal(entry.DeidentifiedStudyInstanceUid, opened.GetProperty("deidentifiedStudyInstanceUid").GetString());
    }

    [Fact]
    public void The_record_contains_none_of_the_identifiers()
    {
        for (var i = 0; i < 50; i++)
        {
            var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);
            Assert.Empty(Planted.FoundIn(record));
        }
    }

    [Fact]
    public void Every_record_gets_a_fresh_nonce()
    {
        const int count = 2000;
        var nonces = new HashSet<string>(StringComparer.Ordinal);
        var ciphertexts = new HashSet<string>(StringComparer.Ordinal);
        var entry = Planted.Entry();
        var header = 6 + Keys.MapEncryptionKeyId.Length;
        for (var i = 0; i < count; i++)
        {
            var record = ReidentificationMapProtector.Protect(entry, Keys);
            nonces.Add(Convert.ToHexString(record, header, 12));
            ciphertexts.Add(Convert.ToHexString(record, header + 12, record.Length - header - 12));
        }

        Assert.Equal(count, nonces.Count);
        Assert.Equal(count, ciphertexts.Count);
    }

    [Fact]
    public void Another_key_of_the_same_tenant_is_refused_by_key_id()
    {
        var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);
        var other = DeidentificationKeys.Generate(Planted.Tenant);

        var error = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(record, other, Planted.Tenant, Planted.DeidentifiedStudyUid));

        Assert.Contains(Keys.MapEncryptionKeyId, error.Message, StringComparison.Ordinal);
        Assert.Contains(other.MapEncryptionKeyId, error.Message, StringComparison.Ordinal);
        AssertNoPhi(error);
    }

    [Fact]
    public void Another_key_fails_authentication_even_with_a_forged_key_id()
    {
        var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);
        var other = DeidentificationKeys.Generate(Planted.Tenant);
        Encoding.ASCII.GetBytes(other.MapEncryptionKeyId).CopyTo(record, 6);

        var error = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(record, other, Planted.Tenant, Planted.DeidentifiedStudyUid));

        Assert.Contains("failed authentication", error.Message, StringComparison.Ordinal);
        AssertNoPhi(error);
    }

    [Fact]
    public void A_record_moved_to_another_tenant_does_not_open_even_with_the_same_key_bytes()
    {
        var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);
        // Same key material under another tenant's name: only the associated data differs.
        var sameBytesOtherTenant = new DeidentificationKeys("tenant-b", Keys.PseudonymKey, Keys.MapEncryptionKey);

        var error = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(record, sameBytesOtherTenant, "tenant-b", Planted.DeidentifiedStudyUid));
        Assert.Contains("failed authentication", error.Message, StringComparison.Ordinal);
        AssertNoPhi(error);

        var mismatch = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(record, Keys, "tenant-b", Planted.DeidentifiedStudyUid));
        AssertNoPhi(mismatch);
    }

    [Fact]
    public void A_record_moved_to_another_study_does_not_open()
    {
        var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);

        var error = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(record, Keys, Planted.Tenant, "2.25.999"));

        Assert.Contains("failed authentication", error.Message, StringComparison.Ordinal);
        AssertNoPhi(error);
    }

    [Fact]
    public void Changing_any_single_byte_makes_the_record_fail()
    {
        var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);
        for (var i = 0; i < record.Length; i++)
        {
            var tampered = (byte[])record.Clone();
            tampered[i] ^= 0x01;
            var error = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(tampered, Keys, Planted.Tenant, Planted.DeidentifiedStudyUid));
            AssertNoPhi(error);
        }
    }

    [Fact]
    public void Truncated_foreign_and_future_records_fail_clearly()
    {
        var record = ReidentificationMapProtector.Protect(Planted.Entry(), Keys);
        var future = (byte[])record.Clone();
        future[4] = 2;

        Assert.Contains("truncated", Open(record.AsSpan(0, 30).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("failed authentication", Open(record.AsSpan(0, record.Length - 1).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("bad header", Open([]).Message, StringComparison.Ordinal);
        Assert.Contains("bad header", Open(Encoding.UTF8.GetBytes("{\"patientName\":\"Zyxwvut^Quillon\"}")).Message, StringComparison.Ordinal);
        Assert.Contains("format version 2", Open(future).Message, StringComparison.Ordinal);

        static ReidentificationMapException Open(byte[] bytes)
        {
            var error = Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(bytes, Keys, Planted.Tenant, Planted.DeidentifiedStudyUid));
            AssertNoPhi(error);
            return error;
        }
    }

    [Fact]
    public void Rotation_reseals_with_the_new_key_and_the_old_key_no_longer_opens_it()
    {
        var entry = Planted.Entry();
        var newKeys = DeidentificationKeys.Generate(Planted.Tenant);
        var old = ReidentificationMapProtector.Protect(entry, Keys);

        var rotated = ReidentificationMapProtector.Reprotect(old, Keys, newKeys, Planted.Tenant, Planted.DeidentifiedStudyUid);

        Assert.Equal(newKeys.MapEncryptionKeyId, ReidentificationMapProtector.ReadMapKeyId(rotated));
        Assert.Equal(entry, ReidentificationMapProtector.Unprotect(rotated, newKeys, Planted.Tenant, Planted.DeidentifiedStudyUid));
        Assert.Throws<ReidentificationMapException>(() => ReidentificationMapProtector.Unprotect(rotated, Keys, Planted.Tenant, Planted.DeidentifiedStudyUid));
    }

    [Fact]
    public void Sealing_with_another_tenants_keys_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ReidentificationMapProtector.Protect(Planted.Entry(tenant: "tenant-b"), Keys));
        AssertNoPhi(error);
    }

    private static void AssertNoPhi(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            Assert.Empty(Planted.FoundIn(e.Message));
        }
    }
}
