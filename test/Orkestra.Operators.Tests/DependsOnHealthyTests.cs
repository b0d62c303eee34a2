using Orkestra.ApiMachinery.Meta;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Operators.Tests;

/// <summary>
/// <c>dependsOn: {database: {condition: healthy}}</c>: the backend operator starts only once the database operator's
/// workers run, a reconcile of it succeeded and it has no consecutive failures — not merely once its caches synced
/// (<c>started</c>). While every database reconcile fails, the backend waits and says so in <c>/katalog</c>.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class DependsOnHealthyTests
{
    [Test]
    public async Task A_dependent_waits_while_its_dependency_fails_and_starts_once_it_succeeds()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var crds = await sandbox.KubectlAsync("apply -f -", File.ReadAllText(Repo.Path("test/Orkestra.Operators.Tests/Katalogs/healthy/crds.yaml")));
        crds.ExitCode.ShouldBe(0, crds.ToString());
        await TestSandbox.EventuallyAsync(async () => (await sandbox.KubectlAsync("get databases,backends")).ExitCode == 0, "CRDs served");
        var crs = await sandbox.KubectlAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Database
            metadata: {name: main, namespace: default}
            ---
            apiVersion: test.orkestra.io/v1
            kind: Backend
            metadata: {name: api, namespace: default}
            """);
        crs.ExitCode.ShouldBe(0, crs.ToString());

        var failing = true;
        await using var ork = await RunningOperators.StartOnAsync(sandbox, ["test/Orkestra.Operators.Tests/Katalogs/healthy/katalog.yaml"],
            (crd, inner) => crd == "database" ? new FailingWhile(inner, () => Volatile.Read(ref failing)) : inner);

        await ork.EventuallyAsync(async () => (await ork.Http.GetStringAsync("/katalog")).Contains("dependency database not healthy",
            StringComparison.Ordinal), "the backend waits for a healthy database");
        (await ork.GetAsync("configmap", "api-backend")).ShouldBeNull("the backend has not started");

        Volatile.Write(ref failing, false);
        await ork.OkAsync("annotate database main retry=now");
        await ork.EventuallyAsync(async () => await ork.GetAsync("configmap", "main-db") is not null, "the database reconciled");
        await ork.EventuallyAsync(async () => await ork.GetAsync("configmap", "api-backend") is not null, "the backend started");
    }

    private sealed class FailingWhile(IReconciler inner, Func<bool> failing) : IReconciler
    {
        public ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation) =>
            failing() ? throw new InvalidOperationException("the database is down") : inner.ReconcileAsync(key, cancellation);
    }
}
