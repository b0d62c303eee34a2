using System.Xml;

// Counts test results for build.sh, build.ps1 and .ci/run, so that no script parses another's text output.
//
//   TestReport RESULTS_DIR EXPECTED_PROJECTS [--exit-code N] [--check NAME=passed|failed …]
//
// RESULTS_DIR holds one .trx file per test project (dotnet test --logger trx). EXPECTED_PROJECTS is how many test
// projects must have reported; a missing report counts as one failure each. --exit-code is dotnet test's own status:
// non-zero with no failure counted is one failure (a crashed run). Each --check is one more result that is not an
// NUnit test (CI's AOT smoke run, the footprint gate). Prints problems, then one line "N passed, N failed[, N
// skipped]" and exits 0 only when nothing failed. Exit 2 on bad arguments.

if (args.Length < 2 || !int.TryParse(args[1], out var expected))
{
    Console.Error.WriteLine("usage: TestReport RESULTS_DIR EXPECTED_PROJECTS [--exit-code N] [--check NAME=passed|failed …]");
    return 2;
}
var directory = args[0];
var exitCode = 0;
var checks = new List<(string Name, bool Passed)>();
for (var i = 2; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--exit-code" when int.TryParse(value, out var code):
            exitCode = code; i++;
            break;
        case "--check" when value?.Split('=') is [{ Length: > 0 } name, "passed" or "failed"] parts:
            checks.Add((name, parts[1] == "passed")); i++;
            break;
        default:
            Console.Error.WriteLine($"TestReport: unexpected argument '{args[i]}'");
            return 2;
    }
}

long passed = 0, failed = 0, skipped = 0;
var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.trx") : [];
foreach (var file in files)
{
    var counters = ReadCounters(file);
    if (counters is null)
    {
        Console.WriteLine($"{Path.GetFileName(file)}: no result counters (a test run that did not finish)");
        failed++;
        continue;
    }
    long Get(string name) => long.TryParse(counters.GetAttribute(name), out var n) ? n : 0;
    passed += Get("passed");
    failed += Get("failed") + Get("error") + Get("timeout") + Get("aborted");
    skipped += Get("total") - Get("executed");
}
if (files.Length < expected)
{
    Console.WriteLine($"only {files.Length} of {expected} test projects reported results");
    failed += expected - files.Length;
}
if (exitCode != 0 && failed == 0)
{
    Console.WriteLine($"dotnet test exited {exitCode} without a failed test");
    failed = 1;
}
foreach (var (name, ok) in checks)
{
    if (ok) passed++;
    else { failed++; Console.WriteLine($"{name} failed"); }
}
Console.WriteLine(skipped > 0 ? $"{passed} passed, {failed} failed, {skipped} skipped" : $"{passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

// The ResultSummary/Counters element of a .trx file, or null when there is none (a run that crashed mid-way).
static XmlElement? ReadCounters(string path)
{
    try
    {
        var document = new XmlDocument { XmlResolver = null };
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        document.Load(reader);
        return document.GetElementsByTagName("Counters").OfType<XmlElement>().FirstOrDefault();
    }
    catch (XmlException)
    {
        return null;
    }
}
