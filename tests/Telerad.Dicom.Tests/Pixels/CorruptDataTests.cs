namespace Telerad.Dicom.Tests.Pixels;

/// <summary>Damaged compressed frames (bytes flipped, cut short) must give a result with a reason, never an unexpected exception.</summary>
public sealed class CorruptDataTests
{
    [Theory]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    [InlineData("JPEG-lossy.dcm")]
    [InlineData("SC_rgb_jpeg_gdcm.dcm")]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+np.dcm")]
    [InlineData("SC_rgb_jpeg_lossy_gdcm.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+n2.dcm")]
    [InlineData("SC_rgb_rle_32bit.dcm")]
    [InlineData("SC_rgb_rle_16bit.dcm")]
    public void Damaged_frames_are_decoded_or_reported(string name)
    {
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, name));
        var good = DicomPixelData.Create(file).GetFrameBytes(0).ToArray();
        var random = new Random(1234);
        for (var trial = 0; trial < 600; trial++)
        {
            var bytes = (byte[])good.Clone();
            if (trial % 3 == 0)
            {
                bytes = bytes[..random.Next(1, bytes.Length)];
            }
            else
            {
                for (var k = 0; k < 1 + (trial % 7); k++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            var dataset = file.Dataset.Clone();
            dataset.Set(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, DicomValue.Empty, [DicomValue.FromBytes(bytes)]));
            var result = DicomPixelData.Create(dataset, file.TransferSyntax).TryDecodeFrame(0);
            Assert.True(result.Success || result.Reason is { Length: > 0 });
        }
    }
}
