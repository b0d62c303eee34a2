using Orkestra.Runtime.Memory;

namespace Orkestra.Runtime.Tests.Memory;

public sealed class ImagePagesTests
{
    const string Maps = """
        55d09cc08000-55d09cc2a000 r--p 00000000 fe:00 11748401                   /opt/my tools/ork
        55d09cc2a000-55d09d58e000 r-xp 00022000 fe:00 11748401                   /opt/my tools/ork
        55d09d58e000-55d09dae0000 r--p 00986000 fe:00 11748401                   /opt/my tools/ork
        55d09deb8000-55d09deba000 rw-p 012af000 fe:00 11748401                   /opt/my tools/ork
        55d09deba000-55d09debc000 rw-p 00000000 00:00 0
        7f1c2a000000-7f1c2a200000 r-xp 00000000 fe:00 2231                       /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        7f1c2b000000-7f1c2b001000 r--p 00000000 fe:00 11748401                   /opt/my tools/ork-other
        7ffd1c3f0000-7ffd1c411000 rw-p 00000000 00:00 0                          [stack]
        """;

    [Test]
    public void Only_the_read_only_mappings_of_the_executable_itself_are_advised()
    {
        var mappings = ImagePages.ReadOnlyMappings(Maps, "/opt/my tools/ork");
        mappings.ShouldBe([
            new ImageMapping(0x55d09cc08000, 0x55d09cc2a000),
            new ImageMapping(0x55d09cc2a000, 0x55d09d58e000),
            new ImageMapping(0x55d09d58e000, 0x55d09dae0000),
        ]);
        mappings[1].Length.ShouldBe(0x964000UL);
    }

    [Test]
    public void A_path_that_is_not_mapped_or_malformed_lines_give_nothing()
    {
        ImagePages.ReadOnlyMappings(Maps, "/usr/bin/ork").ShouldBeEmpty();
        ImagePages.ReadOnlyMappings("zz-yy r--p 0 fe:00 1 /x\nnot a maps line\n", "/x").ShouldBeEmpty();
    }

    [Test]
    public void Status_values_are_read_in_bytes()
    {
        const string status = "Name:\tork\nVmRSS:\t   34652 kB\nRssAnon:\t   11408 kB\nRssFile:\t   23244 kB\nThreads:\t10\n";
        ImagePages.StatusKilobytes(status, "RssFile").ShouldBe(23244L * 1024);
        ImagePages.StatusKilobytes(status, "Rss").ShouldBeNull();        // a prefix of RssAnon/RssFile is not a field
        ImagePages.StatusKilobytes(status, "VmSwap").ShouldBeNull();
    }

    [Test]
    public void Releasing_the_pages_of_a_running_process_is_reported_and_harmless()
    {
        var release = ImagePages.Release();   // the test host's executable: its code faults back in as it runs on
        if (!OperatingSystem.IsLinux())
        {
            release.Error.ShouldBe("not Linux");
            return;
        }
        release.Error.ShouldBeNull();
        // Every read-only mapping of the executable was advised: as many as /proc/self/maps lists for it.
        release.Mappings.ShouldBe(ImagePages.ReadOnlyMappings(File.ReadAllText("/proc/self/maps"), Environment.ProcessPath!).Count);
        release.Mappings.ShouldBeGreaterThan(0);
        release.ResidentFileBefore.ShouldBeGreaterThan(0);
        release.ResidentFileAfter.ShouldBeGreaterThan(0);
        ImagePages.Release().Error.ShouldBeNull();   // and again: the process is intact
    }

    [TestCase(30_000_000L, 12_000_000L, 18_000_000L)]
    [TestCase(12_000_000L, 12_000_000L, 0L)]
    [TestCase(12_000_000L, 13_000_000L, 0L)]   // pages faulted back in meanwhile: nothing was released, not a negative amount
    public void Released_bytes_are_the_drop_in_resident_file_memory(long before, long after, long released) =>
        new ImageRelease(3, before, after, null).ReleasedBytes.ShouldBe(released);
}
