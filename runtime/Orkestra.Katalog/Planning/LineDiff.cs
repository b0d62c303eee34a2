namespace Orkestra.Katalog.Planning;

/// <summary>
/// A unified line diff (<c>diff -u</c>'s hunk format: <c>@@ -a,b +c,d @@</c>, then <c> </c>, <c>-</c>, <c>+</c> lines) from
/// Myers' O((N+M)·D) shortest edit script. Bounded twice: past <see cref="MaxEdits"/> edits the changed middle is
/// shown as removed then added (no search for a shorter script), and the output stops after <c>maxLines</c> lines
/// with a last line saying how many were left out. Pure; safe on any thread.
/// </summary>
public static class LineDiff
{
    /// <summary>The longest edit script searched for (insertions plus deletions).</summary>
    public const int MaxEdits = 2000;

    private enum Op { Keep, Remove, Add }

    /// <summary>The hunks turning <paramref name="old"/> into <paramref name="new"/>; empty when they are equal.</summary>
    public static IReadOnlyList<string> Unified(IReadOnlyList<string> old, IReadOnlyList<string> @new, int context = 3,
        int maxLines = 200)
    {
        var script = Script(old, @new);
        if (script.All(s => s == Op.Keep)) return [];
        var lines = new List<string>();
        // positions in old/new for each script step
        var oldAt = new int[script.Count + 1];
        var newAt = new int[script.Count + 1];
        for (var i = 0; i < script.Count; i++)
        {
            oldAt[i + 1] = oldAt[i] + (script[i] == Op.Add ? 0 : 1);
            newAt[i + 1] = newAt[i] + (script[i] == Op.Remove ? 0 : 1);
        }
        var step = 0;
        while (step < script.Count)
        {
            var change = step;
            while (change < script.Count && script[change] == Op.Keep) change++;
            if (change == script.Count) break;
            var start = Math.Max(step, change - context);
            // extend the hunk while the next change is within 2·context kept lines
            var end = change;
            while (true)
            {
                while (end < script.Count && script[end] != Op.Keep) end++;
                var kept = end;
                while (kept < script.Count && script[kept] == Op.Keep) kept++;
                if (kept < script.Count && kept - end <= 2 * context) { end = kept; continue; }
                end = Math.Min(end + context, script.Count);
                break;
            }
            lines.Add($"@@ -{Range(oldAt[start], oldAt[end] - oldAt[start])} +{Range(newAt[start], newAt[end] - newAt[start])} @@");
            for (var i = start; i < end; i++)
            {
                lines.Add(script[i] switch
                {
                    Op.Keep => " " + old[oldAt[i]],
                    Op.Remove => "-" + old[oldAt[i]],
                    _ => "+" + @new[newAt[i]],
                });
            }
            step = end;
        }
        if (lines.Count <= maxLines) return lines;
        var left = lines.Count - maxLines;
        return [.. lines.Take(maxLines), $"… {left} more diff line{(left == 1 ? "" : "s")} not shown"];
    }

    /// <summary><c>diff -u</c>'s range: the 1-based first line and the count (an empty range names the line before it).</summary>
    private static string Range(int start, int count) => count switch
    {
        0 => $"{start},0",
        1 => $"{start + 1}",
        _ => $"{start + 1},{count}",
    };

    private static List<Op> Script(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // common head and tail are kept without searching
        var head = 0;
        while (head < a.Count && head < b.Count && a[head] == b[head]) head++;
        var tail = 0;
        while (tail < a.Count - head && tail < b.Count - head && a[a.Count - 1 - tail] == b[b.Count - 1 - tail]) tail++;
        var script = new List<Op>(a.Count + b.Count);
        script.AddRange(Enumerable.Repeat(Op.Keep, head));
        var middle = Middle(a, b, head, a.Count - tail, head, b.Count - tail);
        script.AddRange(middle);
        script.AddRange(Enumerable.Repeat(Op.Keep, tail));
        return script;
    }

    /// <summary>Myers' greedy forward search over a[aStart..aEnd) and b[bStart..bEnd), with the trace kept for the
    /// backtrack; beyond <see cref="MaxEdits"/> the whole middle is replaced.</summary>
    private static List<Op> Middle(IReadOnlyList<string> a, IReadOnlyList<string> b, int aStart, int aEnd, int bStart, int bEnd)
    {
        int n = aEnd - aStart, m = bEnd - bStart;
        var replace = Enumerable.Repeat(Op.Remove, n).Concat(Enumerable.Repeat(Op.Add, m)).ToList();
        if (n == 0 || m == 0) return replace;
        var max = Math.Min(n + m, MaxEdits);
        var offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        for (var d = 0; d <= max; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[aStart + x] == b[bStart + y]) { x++; y++; }
                v[offset + k] = x;
                if (x >= n && y >= m) return Backtrack(trace, offset, n, m);
            }
        }
        return replace;
    }

    private static List<Op> Backtrack(List<int[]> trace, int offset, int n, int m)
    {
        var ops = new List<Op>();
        int x = n, y = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var v = trace[d];
            var k = x - y;
            var prevK = d == 0 ? 0 : k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
            var prevX = d == 0 ? 0 : v[offset + prevK];
            var prevY = prevX - prevK;
            while (x > prevX && y > prevY) { ops.Add(Op.Keep); x--; y--; }
            if (d > 0) ops.Add(x == prevX ? Op.Add : Op.Remove);
            x = prevX;
            y = prevY;
        }
        ops.Reverse();
        return ops;
    }
}
