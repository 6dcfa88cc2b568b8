using System.CommandLine;
using System.Globalization;
using Azure.Identity;
using Azure.Storage.Blobs;
using Spectre.Console;
using Telerad.Azure;
using Telerad.Storage;
using Telerad.Upload;

namespace Telerad.Cli;

/// <summary>
/// `telerad upload PATH --tenant T [--upload-id ID] [--parallelism N] (--connection-string CS | --sas-url URL | --account-url URL)`:
/// uploads a file or folder to <c>incoming/{tenant}/{upload-id}/</c> with <see cref="StudyUploader"/> and prints a receipt.
/// Exit codes: 0 all uploaded and the manifest written; 1 some file failed (the others are uploaded, the manifest is
/// not written: run again with the same upload id); 2 bad arguments; 130 interrupted.
/// </summary>
internal static class UploadCommand
{
    public const string ConnectionStringVariable = "TELERAD_STORAGE_CONNECTION_STRING";

    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A file or a folder (every file under it is uploaded)." };
        var tenant = new Option<string>("--tenant") { Description = "Your tenant id (given by the Telerad operator).", Required = true };
        var uploadId = new Option<string?>("--upload-id") { Description = "Resume an earlier upload with its id (files already uploaded are skipped). Default: a new id." };
        var parallelism = new Option<int>("--parallelism") { Description = "Files uploaded at once.", DefaultValueFactory = _ => 4 };
        var connectionString = new Option<string?>("--connection-string") { Description = $"A storage connection string (Azurite). Default: ${ConnectionStringVariable}." };
        var sasUrl = new Option<string?>("--sas-url") { Description = "A SAS URL for the 'incoming' container (from the Telerad upload API)." };
        var accountUrl = new Option<string?>("--account-url") { Description = "https://ACCOUNT.blob.core.windows.net, signed in with your Entra identity (az login, managed identity, ...)." };
        var command = new Command("upload", "Upload a study folder to Telerad: parallel, resumable, manifest last, with a receipt.")
        {
            path, tenant, uploadId, parallelism, connectionString, sasUrl, accountUrl,
        };
        command.SetAction(async (result, cancellationToken) => await RunAsync(
            result.GetValue(path)!,
            result.GetValue(tenant)!,
            result.GetValue(uploadId),
            result.GetValue(parallelism),
            (result.GetValue(connectionString), result.GetValue(sasUrl), result.GetValue(accountUrl)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, string tenant, string? uploadId, int parallelism, (string? ConnectionString, string? SasUrl, string? AccountUrl) target, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return Usage($"no file or folder at {path}");
        }

        if (!UploadIds.IsValidSegment(tenant, UploadIds.MaxTenantLength))
        {
            return Usage("--tenant must be a letter or digit followed by letters, digits, '.', '_' or '-'");
        }

        if (uploadId is not null && !UploadIds.IsValidSegment(uploadId, UploadIds.MaxUploadIdLength))
        {
            return Usage("--upload-id must be a letter or digit followed by letters, digits, '.', '_' or '-'");
        }

        if (parallelism < 1)
        {
            return Usage("--parallelism must be at least 1");
        }

        BlobServiceClient client;
        try
        {
            client = Connect(target);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
        {
            return Usage(e.Message);
        }

        uploadId ??= UploadIds.NewUploadId(DateTimeOffset.UtcNow);
        Console.Error.WriteLine($"telerad upload: upload id {uploadId} (if interrupted, run the same command with --upload-id {uploadId} to continue)");

        var uploader = new StudyUploader(new BlobObjectStore(client));
        var request = new UploadRequest { Path = path, Tenant = tenant, UploadId = uploadId, Parallelism = parallelism };
        UploadReceipt receipt;
        try
        {
            receipt = await UploadWithProgressAsync(uploader, request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"telerad upload: interrupted; run the same command with --upload-id {uploadId} to continue (uploaded files are skipped)");
            return 130;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            return Usage(e.Message);
        }
        catch (AuthenticationFailedException e)
        {
            Console.Error.WriteLine($"telerad upload: could not sign in to the storage account: {e.Message}");
            return 1;
        }

        PrintReceipt(receipt);
        return receipt.Succeeded ? 0 : 1;
    }

    private static BlobServiceClient Connect((string? ConnectionString, string? SasUrl, string? AccountUrl) target)
    {
        var given = new[] { target.ConnectionString, target.SasUrl, target.AccountUrl }.Count(v => v is not null);
        if (given > 1)
        {
            throw new ArgumentException("give one of --connection-string, --sas-url, --account-url");
        }

        if (target.SasUrl is not null)
        {
            return BlobServiceClients.FromContainerSasUrl(new Uri(target.SasUrl), Containers.Incoming);
        }

        if (target.AccountUrl is not null)
        {
            return BlobServiceClients.FromAccountUrl(new Uri(target.AccountUrl));
        }

        var connectionString = target.ConnectionString ?? Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"say where to upload: --account-url, --sas-url, --connection-string or ${ConnectionStringVariable}");
        }

        return BlobServiceClients.FromConnectionString(connectionString);
    }

    private static async Task<UploadReceipt> UploadWithProgressAsync(StudyUploader uploader, UploadRequest request, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected)
        {
            // No terminal to draw on (scripts, CI): the receipt says it all.
            return await uploader.UploadAsync(request, null, cancellationToken);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        UploadReceipt receipt = null!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Uploading", maxValue: 1);
                receipt = await uploader.UploadAsync(request, new Progress<UploadProgress>(p =>
                {
                    task.MaxValue = Math.Max(p.BytesTotal, 1);
                    task.Value = p.BytesDone;
                    task.Description = $"Uploading {p.FilesDone}/{p.FilesTotal} files";
                }), cancellationToken);
                task.Value = task.MaxValue;
            });
        return receipt;
    }

    /// <summary>Plain text on stdout, one fact per line, so scripts can read it.</summary>
    private static void PrintReceipt(UploadReceipt receipt)
    {
        var output = Console.Out;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"Upload {receipt.UploadId} (tenant {receipt.Tenant}) to {receipt.Location}");
        output.WriteLine(string.Create(c, $"Files uploaded:     {receipt.FilesUploaded} ({receipt.BytesUploaded} bytes)"));
        output.WriteLine(string.Create(c, $"Files skipped:      {receipt.FilesSkipped} ({receipt.BytesSkipped} bytes already uploaded with the same SHA-256)"));
        output.WriteLine(string.Create(c, $"Files failed:       {receipt.FilesFailed}"));
        foreach (var failure in receipt.Failures)
        {
            output.WriteLine($"  {failure.Path}: {failure.Reason}");
        }

        output.WriteLine(string.Create(c, $"Studies:            {receipt.Studies.Count}"));
        foreach (var study in receipt.Studies)
        {
            output.WriteLine(string.Create(c, $"  {study.StudyInstanceUid}: {study.Instances} instances"));
        }

        output.WriteLine(string.Create(c, $"Expected instances: {receipt.ExpectedInstances}"));
        output.WriteLine(receipt.Manifest switch
        {
            ManifestOutcome.Written => $"Manifest:           written, last ({receipt.Location}{UploadManifest.FileName})",
            ManifestOutcome.Unchanged => $"Manifest:           unchanged (already written by an earlier run: {receipt.Location}{UploadManifest.FileName})",
            _ => $"Manifest:           not written because {receipt.FilesFailed} file(s) failed; run the same command with --upload-id {receipt.UploadId} to upload them (the others are skipped) and write it",
        });
        if (receipt.WriteOnly)
        {
            output.WriteLine("Note:               the credential may write but not read, so earlier uploads could not be checked: every file was uploaded");
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"telerad upload: {message}");
        return 2;
    }
}
