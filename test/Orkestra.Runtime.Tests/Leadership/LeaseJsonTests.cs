using System.Text.Json;
using Orkestra.Runtime.Leadership;

namespace Orkestra.Runtime.Tests.Leadership;

public class LeaseJsonTests
{
    [Test]
    public void Writes_a_lease_with_microsecond_times_and_reads_it_back()
    {
        var renew = new DateTimeOffset(2026, 11, 23, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560);
        var record = new LeaseRecord("ork-a", 15, renew.AddSeconds(-30), renew, 2, "41");
        var lease = LeaseJson.ToLease("default", "website-operator", record);
        lease.ToJsonString().ShouldBe(
            """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"website-operator","namespace":"default","resourceVersion":"41"},"spec":{"leaseDurationSeconds":15,"leaseTransitions":2,"holderIdentity":"ork-a","acquireTime":"2026-11-23T03:03:35.123456Z","renewTime":"2026-11-23T03:04:05.123456Z"}}""");
        LeaseJson.FromLease(JsonDocument.Parse(lease.ToJsonString()).RootElement).ShouldBe(record);
    }

    [Test]
    public void A_released_lease_has_no_holder_and_reading_tolerates_other_precisions()
    {
        var released = LeaseJson.ToLease("ns", "l", new LeaseRecord(null, 1, null, null, 3));
        released["spec"]!["holderIdentity"].ShouldBeNull();
        var read = LeaseJson.FromLease(JsonDocument.Parse("""{"metadata":{"resourceVersion":"9"},"spec":{"holderIdentity":"x","leaseDurationSeconds":15,"renewTime":"2026-01-01T00:00:01Z"}}""").RootElement);
        read.RenewTime.ShouldBe(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero));
        read.ResourceVersion.ShouldBe("9");
    }
}
