namespace Telerad.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Each_service_answers_HTTP_on_its_own_loopback_port()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var services = new[] { ("Blob", azurite.BlobPort), ("Queue", azurite.QueuePort), ("Table", azurite.TablePort) };
        Assert.Equal(3, services.Select(s => s.Item2).Distinct().Count());
        foreach (var (service, port) in services)
        {
            // An unsigned request is refused, but the answer names the service that listens there.
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/{AzuriteFixture.AccountName}?comp=list"));
            Assert.Equal($"Azurite-{service}/3.37.0", response.Headers.Server.ToString());
        }
    }

    [Fact]
    public async Task The_connection_string_reaches_the_table_service()
    {
        var service = azurite.CreateTableServiceClient();
        var name = "fixture" + Guid.NewGuid().ToString("N")[..8];
        await service.CreateTableIfNotExistsAsync(name);
        var found = false;
        await foreach (var table in service.QueryAsync(t => t.Name == name))
        {
            found = true;
        }

        Assert.True(found);
        await service.DeleteTableAsync(name);
    }
}
