using Orkestra.Footprint.Measurement;

namespace Orkestra.Footprint.Tests;

public sealed class ProcFsTests
{
    const string Status = "Name:\tork\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t  300000 kB\nVmHWM:\t   31204 kB\nVmRSS:\t   28672 kB\n" +
                          "RssAnon:\t   20480 kB\nRssFile:\t    8192 kB\nRssShmem:\t       0 kB\nThreads:\t9\nSigQ:\t0/95461\n";

    const string Smaps = "55b0ab0a1000-7fffba473000 ---p 00000000 00:00 0                          [rollup]\n" +
                         "Rss:               28672 kB\nPss:               24000 kB\nPss_Dirty:         20000 kB\nShared_Clean:       6000 kB\n" +
                         "Shared_Dirty:        100 kB\nPrivate_Clean:      2000 kB\nPrivate_Dirty:     20572 kB\nReferenced:        28672 kB\nAnonymous:         20480 kB\n";

    [Test]
    public void Status_gives_rss_peak_split_and_threads()
    {
        var s = ProcFs.ParseStatus(Status);
        s.ShouldBe(new ProcStatus(VmRssKb: 28672, VmHwmKb: 31204, RssAnonKb: 20480, RssFileKb: 8192, Threads: 9));
    }

    [Test]
    public void Smaps_rollup_sums_private_and_shared_and_skips_the_range_line()
    {
        var m = ProcFs.ParseSmapsRollup(Smaps);
        m.ShouldBe(new SmapsRollup(RssKb: 28672, PssKb: 24000, SharedKb: 6100, PrivateKb: 22572, AnonymousKb: 20480));
    }

    [Test]
    public void A_missing_or_malformed_field_is_an_error_not_a_zero()
    {
        Should.Throw<FormatException>(() => ProcFs.ParseStatus(Status.Replace("VmRSS", "VmXXX", StringComparison.Ordinal))).Message.ShouldContain("VmRSS");
        Should.Throw<FormatException>(() => ProcFs.ParseStatus(Status.Replace("28672 kB", "28672 MB", StringComparison.Ordinal))).Message.ShouldContain("N kB");
        Should.Throw<FormatException>(() => ProcFs.ParseStatus(Status.Replace("Threads:\t9", "Threads:\tmany", StringComparison.Ordinal)));
    }

    [Test]
    public void Reads_this_process()
    {
        var pid = Environment.ProcessId;
        var s = ProcFs.ReadStatus(pid);
        var m = ProcFs.ReadSmapsRollup(pid);
        s.VmRssKb.ShouldBeGreaterThan(0);
        s.VmHwmKb.ShouldBeGreaterThanOrEqualTo(s.VmRssKb);
        s.Threads.ShouldBeGreaterThan(0);
        ((double)(m.PrivateKb + m.SharedKb)).ShouldBe(m.RssKb, tolerance: m.RssKb / 100.0 + 1024); // private + shared = resident
    }
}
