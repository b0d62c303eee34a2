using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>PersistentVolumeClaim helpers. The bound volume and storage class come from enrichment <c>_pv</c> (enrich: pvc)
/// and <c>_storageClass</c> (enrich: storageclass).</summary>
internal static class Pvc
{
    private const string C = "pvc";

    public static void Register(FunctionRegistry r)
    {
        r.ObjString(C, "pvcPhase", "status.phase of a PVC (Bound, Pending, Lost), or \"\"", o => Text(o, "status", "phase"));
        r.ObjBool(C, "pvcBound", "true when status.phase is Bound", o => Text(o, "status", "phase") == "Bound");
        r.ObjString(C, "pvcCapacity", "spec.resources.requests.storage of a PVC, or \"\"",
            o => Text(o, "spec", "resources", "requests", "storage"));
        r.ObjString(C, "pvcAccessModes", "spec.accessModes, comma-separated",
            o => Csv(Items(o, "spec", "accessModes").Select(GoValues.Format)));
        r.ObjString(C, "pvcStorageClass", "spec.storageClassName, or \"\" (the cluster default applies)",
            o => Text(o, "spec", "storageClassName"));
        r.ObjString(C, "pvcProvisioner", "the pv.kubernetes.io/provisioned-by annotation of the bound volume (enrichment _pv), or \"\"",
            o => Text(o, "_pv", "metadata", "annotations", "pv.kubernetes.io/provisioned-by"));
        r.ObjString(C, "pvcVolumeMode", "spec.volumeMode of the bound volume (enrichment _pv), else of the claim, or \"\"",
            o => Text(o, "_pv", "spec", "volumeMode") is { Length: > 0 } m ? m : Text(o, "spec", "volumeMode"));
        r.ObjString(C, "pvcStorageClassProvisioner", "the provisioner of the claim's StorageClass (enrichment _storageClass), or \"\"",
            o => Text(o, "_storageClass", "provisioner"));
        r.ObjString(C, "pvcStorageClassReclaimPolicy",
            "the reclaimPolicy of the claim's StorageClass, Delete or Retain (enrichment _storageClass), or \"\"",
            o => Text(o, "_storageClass", "reclaimPolicy") is { Length: > 0 } p ? p : Text(o, "_storageClass", "spec", "reclaimPolicy"));
    }
}
