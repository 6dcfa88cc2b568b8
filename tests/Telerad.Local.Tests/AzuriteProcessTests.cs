using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Telerad.Local.Tests;

/// <summary>
/// The Azurite Telerad.Local starts (blob, queue and table as three processes) keeps what was written just before it
/// was stopped: its supervisors pass the stop on as SIGINT, which every Azurite service saves its databases on.
/// azurite-table does not save on SIGTERM, and writes of the last few seconds (its autosave interval is 5 s) were lost,
/// which after a kill -9 of Telerad.Local left orchestrations without their history.
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task What_was_written_just_before_a_stop_is_there_after_a_restart_on_the_same_folder()
    {
        using var site = TestSite.Create(withSamples: false);
        var location = Path.Combine(site.Data, "azurite");
        var binary = await AzuriteLocator.FindOrInstallAsync(TextWriter.Null, CancellationToken.None);
        var ports = TestSite.FreePorts(3);

        var first = await AzuriteProcess.StartAsync(binary, location, ports[0], ports[1], ports[2], CancellationToken.None);
        Assert.Equal(3, first.ProcessIds.Count);
        var connection = first.ConnectionString;
        var table = new TableServiceClient(connection).GetTableClient("keepme");
        await table.CreateIfNotExistsAsync();
        var queue = new QueueServiceClient(connection).GetQueueClient("keepme");
        await queue.CreateIfNotExistsAsync();
        var blobs = new BlobServiceClient(connection).GetBlobContainerClient("keepme");
        await blobs.CreateIfNotExistsAsync();

        // Written well inside the autosave interval before the stop: only a save on the stop signal keeps them.
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = "kept" });
        await queue.SendMessageAsync("kept");
        await blobs.GetBlobClient("kept.txt").UploadAsync(BinaryData.FromString("kept"));
        await first.DisposeAsync();

        var second = await AzuriteProcess.StartAsync(binary, location, ports[0], ports[1], ports[2], CancellationToken.None);
        try
        {
            Assert.Equal("kept", (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetString("Value"));
            Assert.Equal("kept", (await queue.PeekMessageAsync()).Value.MessageText);
            Assert.Equal("kept", (await blobs.GetBlobClient("kept.txt").DownloadContentAsync()).Value.Content.ToString());
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
