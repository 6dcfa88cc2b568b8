using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Ingestion.Tests;
using Telerad.Notifications;

namespace Telerad.Workflow.Tests.CriticalResults;

/// <summary>What a host registers is enough to build every critical-result service and activity class.</summary>
public sealed class CriticalResultRegistrationTests
{
    [Fact]
    public async Task A_host_with_the_documented_services_resolves_every_activity_and_the_handler()
    {
        await using var host = await CriticalResultHost.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IObjectStore>(new InMemoryObjectStore());
        services.AddSingleton<IAuditLog>(new JsonLinesAuditLog(Path.Combine(Telerad.Dicom.Tests.TestData.NewScratchDirectory("critical-registration"), "audit.jsonl")));
        services.AddSingleton<INotificationPublisher>(host.Published);
        services.AddSingleton(new LinkTokens(LinkSigningKeys.Generate(), TimeProvider.System));
        services.AddSingleton(new StudyLinkOptions());
        services.AddSingleton(host.Configuration);
        services.AddSingleton(host.Gateway);
        services.AddTeleradCriticalResults();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.IsType<ConfiguredCriticalResultDirectory>(provider.GetRequiredService<ICriticalResultDirectory>());
        Assert.NotNull(provider.GetRequiredService<StartCriticalResultActivity>());
        Assert.NotNull(provider.GetRequiredService<AiCriticalHeadsUpActivity>());
        Assert.NotNull(provider.GetRequiredService<AlertCriticalResultActivity>());
        Assert.NotNull(provider.GetRequiredService<EmergencyCriticalResultActivity>());
        Assert.NotNull(provider.GetRequiredService<CompleteCriticalResultActivity>());
        Assert.NotNull(provider.GetRequiredService<DeliverCriticalResultCommunicationActivity>());
        Assert.IsType<UnconfiguredCommunicationDelivery>(provider.GetRequiredService<ICriticalResultCommunicationDelivery>()); // until a host adds FHIR delivery
        Assert.NotNull(provider.GetRequiredService<CriticalResultAcknowledgments>());
        Assert.NotNull(provider.GetRequiredService<CriticalResultMetrics>());
    }
}
