namespace Telerad.Dicom;

/// <summary>
/// Re-does the upsampling of a subsampled JPEG component the way IJG libjpeg does by default (and so dcmtk):
/// 2:1 horizontal and 2:1 both ways use the "fancy" triangle filter (each output sample 3/4 of the nearer
/// and 1/4 of the farther input sample); other ratios replicate. JpegLibrary replicates, so its plane holds
/// each subsampled value repeated over its block, from which the subsampled plane is read back.
/// </summary>
internal static class JpegUpsampling
{
    public static void Refine(short[] plane, int width, int height, int horizontal, int vertical)
    {
        if (!((horizontal == 2 && vertical == 1) || (horizontal == 2 && vertical == 2)))
        {
            return; // replication, which the plane already holds
        }

        var subWidth = (width + horizontal - 1) / horizontal;
        var subHeight = (height + vertical - 1) / vertical;
        var sub = new int[subWidth * subHeight];
        for (var y = 0; y < subHeight; y++)
        {
            for (var x = 0; x < subWidth; x++)
            {
                sub[(y * subWidth) + x] = plane[(y * vertical * width) + (x * horizontal)];
            }
        }

        if (vertical == 1)
        {
            H2V1(sub, subWidth, subHeight, plane, width, height);
        }
        else
        {
            H2V2(sub, subWidth, subHeight, plane, width, height);
        }
    }

    /// <summary>
    /// A full-size plane from a component plane (row stride <paramref name="stride"/>) of
    /// <paramref name="subWidth"/> x <paramref name="subHeight"/> samples, upsampled by the given factors.
    /// </summary>
    public static short[] Upsample(short[] source, int stride, int subWidth, int subHeight, int width, int height, int horizontal, int vertical)
    {
        var plane = new short[width * height];
        if ((horizontal == 2 && vertical == 1) || (horizontal == 2 && vertical == 2))
        {
            var sub = new int[subWidth * subHeight];
            for (var y = 0; y < subHeight; y++)
            {
                for (var x = 0; x < subWidth; x++)
                {
                    sub[(y * subWidth) + x] = source[(y * stride) + x];
                }
            }

            if (vertical == 1)
            {
                H2V1(sub, subWidth, subHeight, plane, width, height);
            }
            else
            {
                H2V2(sub, subWidth, subHeight, plane, width, height);
            }

            return plane;
        }

        for (var y = 0; y < height; y++)
        {
            var row = source.AsSpan((y / vertical) * stride, subWidth);
            var output = plane.AsSpan(y * width, width);
            if (horizontal == 1)
            {
                row[..width].CopyTo(output);
            }
            else
            {
                for (var x = 0; x < width; x++)
                {
                    output[x] = row[x / horizontal];
                }
            }
        }

        return plane;
    }

    private static void H2V1(int[] sub, int subWidth, int subHeight, short[] plane, int width, int height)
    {
        var row = new int[subWidth * 2];
        for (var y = 0; y < Math.Min(subHeight, height); y++)
        {
            var input = sub.AsSpan(y * subWidth, subWidth);
            if (subWidth == 1)
            {
                row[0] = row[1] = input[0];
            }
            else
            {
                row[0] = input[0];
                row[1] = ((input[0] * 3) + input[1] + 2) >> 2;
                for (var x = 1; x < subWidth - 1; x++)
                {
                    var v = input[x] * 3;
                    row[2 * x] = (v + input[x - 1] + 1) >> 2;
                    row[(2 * x) + 1] = (v + input[x + 1] + 2) >> 2;
                }

                var last = subWidth - 1;
                row[2 * last] = ((input[last] * 3) + input[last - 1] + 1) >> 2;
                row[(2 * last) + 1] = input[last];
            }

            for (var x = 0; x < width; x++)
            {
                plane[(y * width) + x] = (short)row[x];
            }
        }
    }

    /// <summary>Vertical 3:1 weighting with the nearer neighbour row (edge rows repeat), then horizontal 3:1; bias 8 / 7, divide by 16.</summary>
    private static void H2V2(int[] sub, int subWidth, int subHeight, short[] plane, int width, int height)
    {
        var sums = new int[subWidth];
        var row = new int[subWidth * 2];
        for (var outY = 0; outY < height; outY++)
        {
            var y = outY / 2;
            var neighbour = (outY & 1) == 0 ? Math.Max(y - 1, 0) : Math.Min(y + 1, subHeight - 1);
            for (var x = 0; x < subWidth; x++)
            {
                sums[x] = (sub[(y * subWidth) + x] * 3) + sub[(neighbour * subWidth) + x];
            }

            var output = plane.AsSpan(outY * width, width);
            if (subWidth == 1)
            {
                row[0] = ((sums[0] * 4) + 8) >> 4;
                row[1] = ((sums[0] * 4) + 7) >> 4;
            }
            else
            {
                row[0] = ((sums[0] * 4) + 8) >> 4;
                row[1] = ((sums[0] * 3) + sums[1] + 7) >> 4;
                for (var x = 1; x < subWidth - 1; x++)
                {
                    var v = sums[x] * 3;
                    row[2 * x] = (v + sums[x - 1] + 8) >> 4;
                    row[(2 * x) + 1] = (v + sums[x + 1] + 7) >> 4;
                }

                var last = subWidth - 1;
                row[2 * last] = ((sums[last] * 3) + sums[last - 1] + 8) >> 4;
                row[(2 * last) + 1] = ((sums[last] * 4) + 7) >> 4;
            }

            for (var x = 0; x < width; x++)
            {
                output[x] = (short)row[x];
            }
        }
    }
}
