namespace Orkestra.Footprint.Tests;

public sealed class OptionsTests
{
    [Test]
    public void Ork_environment_pairs_parse_and_malformed_ones_are_rejected()
    {
        Program.ParseEnvironment("DOTNET_GCgen0size=0x400000,DOTNET_gcConcurrent=0")
            .ShouldBe(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000", ["DOTNET_gcConcurrent"] = "0" });
        Program.ParseEnvironment(null).ShouldBeEmpty();
        Should.Throw<FormatException>(() => Program.ParseEnvironment("DOTNET_gcConcurrent"));
    }

    [Test]
    public void Every_option_must_be_consumed()
    {
        var options = new Options(["--idle", "5", "--no-docs", "--idel", "3"]);
        options.Int("--idle", 10).ShouldBe(5);
        options.Flag("--no-docs").ShouldBeTrue();
        Should.Throw<FormatException>(options.Finish).Message.ShouldContain("--idel 3");
        Should.Throw<FormatException>(() => new Options(["--idle", "x"]).Int("--idle", 10));
    }
}
