using Orkestra.Footprint.Measurement;

namespace Orkestra.Footprint.Tests;

public sealed class WrkOutputTests
{
    private const string Output = """
        Running 8s test @ https://127.0.0.1:40211/convert/gadget
          1 threads and 1 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   142.51us   31.07us   2.10ms   93.41%
            Req/Sec     6.91k   312.44     7.32k    82.50%
          Latency Distribution
             50%  137.00us
             75%  148.00us
             90%  163.00us
             99%    1.25ms
          55012 requests in 8.00s, 30.11MB read
        Requests/sec:   6876.20
        Transfer/sec:      3.76MB
        """;

    [Test]
    public void Percentiles_are_read_in_milliseconds_whatever_unit_wrk_chose()
    {
        var f = WrkOutput.Parse(Output);
        f.P50Ms.ShouldBe(0.137, 1e-9);
        f.P90Ms.ShouldBe(0.163, 1e-9);
        f.P99Ms.ShouldBe(1.25, 1e-9);
        f.RequestsPerSecond.ShouldBe(6876.2);
        f.Requests.ShouldBe(55012);
        f.Non2xx.ShouldBe(0);
        f.SocketErrors.ShouldBe(0);
    }

    [Test]
    public void Failed_answers_and_socket_errors_are_counted()
    {
        var text = Output.Replace("Requests/sec:", """
              Socket errors: connect 0, read 2, write 0, timeout 3
              Non-2xx or 3xx responses: 17
            Requests/sec:
            """, StringComparison.Ordinal);
        var f = WrkOutput.Parse(text);
        f.Non2xx.ShouldBe(17);
        f.SocketErrors.ShouldBe(5);
    }

    [Test]
    public void Output_without_a_latency_distribution_is_not_a_measurement()
    {
        var text = Output[..Output.IndexOf("  Latency Distribution", StringComparison.Ordinal)] + "Requests/sec:   6876.20\n";
        Should.Throw<FormatException>(() => WrkOutput.Parse(text)).Message.ShouldContain("--latency");
    }
}
