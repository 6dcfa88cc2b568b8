using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Telerad.Fhir.Delivery;

namespace Telerad.Fhir.Tests.Delivery;

/// <summary>Small transaction bundles of the shape Telerad sends: conditional creates keyed on business identifiers.</summary>
internal static class TestBundles
{
    public const string PatientSystem = "urn:oid:2.16.840.1.113883.3.9999.1";
    public const string ReportSystem = "https://telerad.example/fhir/report-id";

    /// <summary>A Patient and a DiagnosticReport about them, both created only if their identifier is not there yet.</summary>
    public static Bundle PatientAndReport(string patientValue, string reportValue, string conclusion = "No acute intracranial abnormality.")
    {
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var patient = new Patient
        {
            Identifier = [new Identifier(PatientSystem, patientValue)],
            Name = [new HumanName { Family = "Testpatient", Given = ["Ada"] }],
            BirthDate = "1970-01-01",
        };
        var report = new DiagnosticReport
        {
            Identifier = [new Identifier(ReportSystem, reportValue)],
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "18748-4", "Diagnostic imaging study"),
            Subject = new ResourceReference(patientUrl),
            Conclusion = conclusion,
        };
        return new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = patientUrl,
                    Resource = patient,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = $"identifier={PatientSystem}|{patientValue}" },
                },
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:" + Guid.NewGuid(),
                    Resource = report,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "DiagnosticReport", IfNoneExist = $"identifier={ReportSystem}|{reportValue}" },
                },
            ],
        };
    }

    /// <summary>Fresh identifiers, so tests sharing one server never see each other's resources.</summary>
    public static (string Patient, string Report) NewIds() => ("PAT-" + Guid.NewGuid().ToString("N")[..12], "RPT-" + Guid.NewGuid().ToString("N")[..12]);
}

/// <summary>Records the waits the client asks for instead of sleeping; moves a fake clock by them when given one.</summary>
internal sealed class RecordingDelay(FakeTimeProvider? time = null) : IDeliveryDelay
{
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Delays.Enqueue(delay);
        time?.Advance(delay);
        return Task.CompletedTask;
    }
}

/// <summary>Keeps every formatted log message, to check what reaches the logs (and what must not).</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    public string AllText => string.Join("\n", Entries.Select(e => e.Message));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue((logLevel, eventId, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception)));
    }
}
