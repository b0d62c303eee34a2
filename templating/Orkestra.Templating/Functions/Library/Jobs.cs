using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Job and CronJob helpers over the status Kubernetes maintains. Pod-name helpers read enrichment <c>_pods</c>;
/// the last-job helpers read <c>_lastJob</c> / <c>_lastSuccessfulJob</c> (enrich: cronjob). Absent data gives ""/0/false.
/// </summary>
internal static class Jobs
{
    private const string C = "jobs";

    public static void Register(FunctionRegistry r)
    {
        r.ObjBool(C, "jobSucceeded", "true when status.succeeded > 0 (a pod completed successfully)",
            o => Long(o, "status", "succeeded") > 0);
        r.ObjBool(C, "jobFailed", "true when status.failed > 0 (a pod failed)", o => Long(o, "status", "failed") > 0);
        r.ObjBool(C, "jobActive", "true when status.active > 0 (a pod is running)", o => Long(o, "status", "active") > 0);
        r.ObjString(C, "jobActivePodNames", "names of pods not yet Succeeded or Failed, comma-separated (enrichment _pods)",
            o => Csv(Pods.Summaries(o).Where(p => Text(p, "phase") is not ("Succeeded" or "Failed")).Select(p => Text(p, "name"))));
        r.ObjString(C, "jobFailedPodNames", "names of Failed pods, comma-separated (enrichment _pods)",
            o => Csv(Pods.Summaries(o).Where(p => Text(p, "phase") == "Failed").Select(p => Text(p, "name"))));
        r.ObjString(C, "jobSucceededPodNames", "names of Succeeded pods, comma-separated (enrichment _pods)",
            o => Csv(Pods.Summaries(o).Where(p => Text(p, "phase") == "Succeeded").Select(p => Text(p, "name"))));
        r.ObjInt(C, "jobFirstExitCode", "the exit code of the first terminated pod; -1 when none has terminated (enrichment _pods)", o =>
        {
            foreach (var p in Pods.Summaries(o))
            {
                if (Has(p, "exitCode") && Long(p, "exitCode") >= 0) return Long(p, "exitCode");
            }
            return -1;
        });
        r.ObjInt(C, "cronJobActiveCount", "the number of running jobs of a CronJob (length of status.active)",
            o => Items(o, "status", "active").Count());
        r.ObjString(C, "cronJobLastScheduleTime", "status.lastScheduleTime of a CronJob, or \"\" before the first run",
            o => Text(o, "status", "lastScheduleTime"));
        r.ObjString(C, "cronJobLastSuccessTime", "status.lastSuccessfulTime of a CronJob, or \"\" when it never succeeded",
            o => Text(o, "status", "lastSuccessfulTime"));
        r.ObjString(C, "cronJobNextScheduleTime", "status.nextScheduleTime of a CronJob, or \"\" when not populated",
            o => Text(o, "status", "nextScheduleTime"));
        r.ObjString(C, "cronJobLastJobName", "the name of the most recent job (enrichment _lastJob), or \"\"",
            o => Text(o, "_lastJob", "metadata", "name"));
        r.ObjBool(C, "cronJobLastJobSucceeded", "true when the most recent job has a succeeded pod (enrichment _lastJob)",
            o => Long(o, "_lastJob", "status", "succeeded") > 0);
        r.ObjString(C, "cronJobLastSuccessfulJobName",
            "the name of the most recent successful job (enrichment _lastSuccessfulJob), or \"\"",
            o => Text(o, "_lastSuccessfulJob", "metadata", "name"));
    }
}
