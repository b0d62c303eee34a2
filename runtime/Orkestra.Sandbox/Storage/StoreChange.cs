using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Sandbox.Storage;

/// <summary>
/// One committed change of a resource table, as the store publishes it to watchers and controllers: the new state
/// (for <see cref="WatchEventType.Deleted"/>: the last state with the deletion's resourceVersion), the previous one and
/// the revision. <see cref="Type"/> is only ever Added, Modified or Deleted; a watch stream turns it into the events a
/// client sees (a change that leaves a selector becomes DELETED for that watch).
/// </summary>
internal sealed record StoreChange(WatchEventType Type, StoredObject Object, StoredObject? Previous, long Revision);
