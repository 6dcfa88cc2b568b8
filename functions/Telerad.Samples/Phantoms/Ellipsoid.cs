namespace Telerad.Samples.Phantoms;

/// <summary>An axis-aligned ellipsoid in patient coordinates (mm); the phantoms are built from these.</summary>
internal readonly struct Ellipsoid
{
    private readonly double _inverseX2;
    private readonly double _inverseY2;
    private readonly double _inverseZ2;

    public Ellipsoid(double centreX, double centreY, double centreZ, double radiusX, double radiusY, double radiusZ)
    {
        CentreX = centreX;
        CentreY = centreY;
        CentreZ = centreZ;
        RadiusX = radiusX;
        RadiusY = radiusY;
        RadiusZ = radiusZ;
        _inverseX2 = 1 / (radiusX * radiusX);
        _inverseY2 = 1 / (radiusY * radiusY);
        _inverseZ2 = 1 / (radiusZ * radiusZ);
    }

    public double CentreX { get; }

    public double CentreY { get; }

    public double CentreZ { get; }

    public double RadiusX { get; }

    public double RadiusY { get; }

    public double RadiusZ { get; }

    /// <summary>Squared normalised radius: below 1 inside, 1 on the surface.</summary>
    public double Q(double x, double y, double z)
    {
        var dx = x - CentreX;
        var dy = y - CentreY;
        var dz = z - CentreZ;
        return (dx * dx * _inverseX2) + (dy * dy * _inverseY2) + (dz * dz * _inverseZ2);
    }

    public bool Contains(double x, double y, double z) => Q(x, y, z) <= 1;

    /// <summary>The ellipsoid with every radius changed by <paramref name="millimetres"/> (negative shrinks):
    /// close to a parallel surface for the nearly round shapes of a head.</summary>
    public Ellipsoid Grow(double millimetres) =>
        new(CentreX, CentreY, CentreZ, RadiusX + millimetres, RadiusY + millimetres, RadiusZ + millimetres);
}
