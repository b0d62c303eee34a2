using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Templating;

namespace Orkestra.Katalog.Rendering;

/// <summary>
/// One object as templates see it (<see cref="TemplateData.ForObject"/>), for <see cref="CompiledNode.Write"/>:
/// the element itself, and its render scope built on first use only — writing plain field paths needs none.
/// Per write, not thread-safe; the element must stay alive as long as this.
/// </summary>
public sealed class ObjectScope(JsonElement source, TimeProvider time) : IObjectData
{
    private RenderScope? _scope;

    public JsonElement Source { get; } = source;

    public RenderScope Scope => _scope ??= new RenderScope(TemplateData.ForObject(Source), time);
}
