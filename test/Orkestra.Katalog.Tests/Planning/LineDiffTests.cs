using Orkestra.Katalog.Planning;

namespace Orkestra.Katalog.Tests.Planning;

public class LineDiffTests
{
    private static string[] Lines(string text) => text.Split('\n');

    [Test]
    public void Equal_texts_have_no_hunks() =>
        LineDiff.Unified(Lines("a\nb\nc"), Lines("a\nb\nc")).ShouldBeEmpty();

    [Test]
    public void One_changed_line_is_one_hunk_with_three_lines_of_context_as_diff_u_prints_it()
    {
        var old = Lines("1\n2\n3\n4\n5\n6\n7\n8\n9");
        var @new = Lines("1\n2\n3\n4\nfive\n6\n7\n8\n9");

        LineDiff.Unified(old, @new).ShouldBe(["@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8"]);
    }

    [Test]
    public void Changes_far_apart_are_two_hunks_and_near_ones_one()
    {
        var old = Enumerable.Range(1, 20).Select(i => i.ToString()).ToArray();
        var far = old.ToArray();
        far[1] = "x";
        far[17] = "y";
        var near = old.ToArray();
        near[5] = "x";
        near[10] = "y";

        LineDiff.Unified(old, far).Where(l => l.StartsWith("@@")).ShouldBe(["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"]);
        LineDiff.Unified(old, near).Where(l => l.StartsWith("@@")).ShouldBe(["@@ -3,12 +3,12 @@"]);
    }

    [Test]
    public void Insertions_and_deletions_keep_the_common_lines()
    {
        LineDiff.Unified(Lines("a\nb\nc"), Lines("a\nx\nb\nc\nd"))
            .ShouldBe(["@@ -1,3 +1,5 @@", " a", "+x", " b", " c", "+d"]);
        LineDiff.Unified(Lines("a\nb\nc"), Lines("a\nc"))
            .ShouldBe(["@@ -1,3 +1,2 @@", " a", "-b", " c"]);
    }

    [Test]
    public void From_and_to_nothing_every_line_is_added_or_removed()
    {
        LineDiff.Unified([], Lines("a\nb")).ShouldBe(["@@ -0,0 +1,2 @@", "+a", "+b"]);
        LineDiff.Unified(Lines("a"), []).ShouldBe(["@@ -1 +0,0 @@", "-a"]);
    }

    [Test]
    public void A_reordering_is_the_shortest_script_not_a_whole_replacement()
    {
        var diff = LineDiff.Unified(Lines("a\nb\nc\nd\ne"), Lines("b\nc\nd\ne\na"));
        diff.Count(l => l.StartsWith('-')).ShouldBe(1);
        diff.Count(l => l.StartsWith('+')).ShouldBe(1);
    }

    [Test]
    public void The_output_is_bounded_and_says_how_much_was_left_out()
    {
        var old = Enumerable.Range(0, 500).Select(i => $"old {i}").ToArray();
        var @new = Enumerable.Range(0, 500).Select(i => $"new {i}").ToArray();

        var diff = LineDiff.Unified(old, @new, maxLines: 50);

        diff.Count.ShouldBe(51);
        diff[^1].ShouldBe("… 951 more diff lines not shown");
    }

    [Test]
    public void Past_the_edit_bound_the_middle_is_replaced_and_still_correct()
    {
        var old = Enumerable.Range(0, 3000).Select(i => i % 2 == 0 ? $"a{i}" : "same").ToArray();
        var @new = Enumerable.Range(0, 3000).Select(i => i % 2 == 0 ? $"b{i}" : "same").ToArray();

        var diff = LineDiff.Unified(old, @new, maxLines: int.MaxValue);

        // the last line is common (kept as context); everything before it is replaced
        diff.Where(l => l.StartsWith('-')).Select(l => l[1..]).ShouldBe(old[..^1]);
        diff.Where(l => l.StartsWith('+')).Select(l => l[1..]).ShouldBe(@new[..^1]);
    }
}
