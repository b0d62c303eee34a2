using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Validation;

/// <summary>
/// <c>dependsOn</c>: every target is a declared CRD (in any loaded Katalog), not the CRD itself, and the
/// graph has no cycle (each cycle is reported once, at the dependency that closes it, naming the whole path).
/// </summary>
internal sealed class DependsOnValidator : IKatalogValidator
{
    public void Validate(IReadOnlyList<KatalogDocument> katalogs, DiagnosticBag diagnostics)
    {
        var crds = new Dictionary<string, CrdEntry>(StringComparer.Ordinal);
        foreach (var crd in katalogs.SelectMany(k => k.Crds)) crds.TryAdd(crd.Name, crd);
        foreach (var crd in crds.Values)
        {
            foreach (var dependency in crd.DependsOn)
            {
                if (dependency.Target == crd.Name)
                    diagnostics.Error(dependency.Location, $"CRD '{crd.Name}' depends on itself");
                else if (!crds.ContainsKey(dependency.Target))
                {
                    var hint = Suggestions.Hint(dependency.Target, crds.Keys);
                    diagnostics.Error(dependency.Location, $"dependsOn: unknown CRD '{dependency.Target}'{hint}");
                }
            }
        }

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        void Visit(CrdEntry crd)
        {
            state[crd.Name] = 1;
            path.Add(crd.Name);
            foreach (var dependency in crd.DependsOn)
            {
                if (dependency.Target == crd.Name || !crds.TryGetValue(dependency.Target, out var target)) continue;
                switch (state.GetValueOrDefault(target.Name))
                {
                    case 1:
                        var cycle = path.Skip(path.IndexOf(target.Name)).Append(target.Name);
                        diagnostics.Error(dependency.Location, $"dependsOn cycle: {string.Join(" → ", cycle)}");
                        break;
                    case 0:
                        Visit(target);
                        break;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[crd.Name] = 2;
        }
        foreach (var crd in crds.Values)
        {
            if (state.GetValueOrDefault(crd.Name) == 0) Visit(crd);
        }
    }
}
