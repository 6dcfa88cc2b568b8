using System.Text;
using Telerad.Fhir.Delivery;

namespace Telerad.Fhir.Tests.Delivery;

public sealed class TransactionResponseReaderTests
{
    [Theory]
    [InlineData("Patient/123/_history/2", "Patient", "123", "2")]
    [InlineData("Patient/123", "Patient", "123", null)]
    [InlineData("https://ehr.example.org/fhir/R4/DiagnosticReport/abc/_history/7", "DiagnosticReport", "abc", "7")]
    [InlineData("https://ehr.example.org/fhir/R4/DiagnosticReport/abc", "DiagnosticReport", "abc", null)]
    [InlineData("not-a-location", null, null, null)]
    public void Locations_are_parsed_relative_or_absolute(string location, string? type, string? id, string? version) =>
        Assert.Equal((type, id, version), TransactionResponseReader.ParseLocation(location));

    [Fact]
    public void Entries_are_read_in_order_with_status_location_etag_and_time()
    {
        const string Json = """
            {"resourceType":"Bundle","type":"transaction-response","entry":[
              {"response":{"status":"201 Created","location":"Patient/p1/_history/1","etag":"W/\"1\"","lastModified":"2026-03-01T08:00:00Z"}},
              {"response":{"status":"200 OK","location":"DiagnosticReport/r1/_history/4"}},
              {"resource":{"resourceType":"Observation"}}
            ]}
            """;

        var entries = TransactionResponseReader.Read(Encoding.UTF8.GetBytes(Json))!;

        Assert.Equal(3, entries.Count);
        Assert.Equal(new TransactionEntryResponse(0, "201 Created", 201, "Patient/p1/_history/1", "Patient", "p1", "1", "W/\"1\"", new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero)), entries[0]);
        Assert.Equal((200, "r1", "4"), (entries[1].StatusCode, entries[1].ResourceId, entries[1].VersionId));
        Assert.Equal((0, (string?)null), (entries[2].StatusCode, entries[2].Location));
    }

    [Theory]
    [InlineData("""{"resourceType":"OperationOutcome"}""")]
    [InlineData("""{"resourceType":"Bundle","type":"batch-response"}""")]
    [InlineData("<html/>")]
    [InlineData("")]
    public void Anything_but_a_transaction_response_is_not_read(string body) =>
        Assert.Null(TransactionResponseReader.Read(Encoding.UTF8.GetBytes(body)));
}
