namespace Telerad.Deidentification.Tests;

public class StandardTablesTests
{
    [Fact]
    public void Embedded_tables_are_the_shared_standard_tables_when_present()
    {
        var shared = Path.Combine(Telerad.Dicom.Tests.TestData.RepositoryRoot, "..", "shared", "dicom-standard");
        var local = Path.Combine(Telerad.Dicom.Tests.TestData.RepositoryRoot, "functions", "Telerad.Deidentification", "Standard");
        Assert.NotEmpty(Directory.GetFiles(local, "*.csv"));
        if (!Directory.Exists(shared))
        {
            return; // The product does not depend on ../shared; where it exists (CI, here) the copies must match.
        }

        foreach (var file in Directory.GetFiles(local, "*.csv"))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(shared, Path.GetFileName(file))), File.ReadAllBytes(file));
        }
    }
}
