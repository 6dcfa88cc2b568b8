using Hl7.Fhir.Model;

namespace Telerad.Fhir.Tests;

public sealed class FhirModuleTests
{
    [Fact]
    public void Targets_the_R4_release_of_the_sdk() => Assert.Equal(FhirModule.FhirVersion, ModelInfo.Version);
}
