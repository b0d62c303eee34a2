using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating;

/// <summary>
/// The per-render state: the data (<c>$</c> and the initial <c>.</c>), the clock and random source functions
/// use, resource limits, and cancellation. Create one per render (or per reconcile); not thread-safe.
/// Compiled templates are shared; scopes are not.
/// </summary>
public sealed class RenderScope
{
    public RenderScope(TemplateValue root, TimeProvider? time = null, Random? random = null)
        : this(root.Value, time, random)
    {
    }

    internal RenderScope(FluidValue root, TimeProvider? time = null, Random? random = null)
    {
        RootValue = root;
        Time = time ?? TimeProvider.System;
        Random = random ?? Random.Shared;
    }

    /// <summary>The template data: <c>$</c>, and <c>.</c> at the start of a template.</summary>
    public TemplateValue Root => new(RootValue);

    /// <summary><see cref="Root"/> as the engine's value.</summary>
    internal FluidValue RootValue { get; }

    /// <summary>Clock for time functions (tests inject a fake).</summary>
    public TimeProvider Time { get; }

    /// <summary>Random source for random functions (tests inject a seeded one).</summary>
    public Random Random { get; }

    /// <summary>Upper bound on evaluation steps (range iterations, function calls) per render.</summary>
    public int MaxSteps { get; init; } = 1_000_000;

    /// <summary>Upper bound on the rendered text length per template, in characters.</summary>
    public int MaxOutputLength { get; init; } = 1 << 20;

    public CancellationToken Cancellation { get; init; }

    /// <summary>What the embedding layer attaches to a render for its own predicates, never visible to templates
    /// (the Katalog layer attaches the CR's peer instances for the <c>unique</c> condition operator).</summary>
    public object? Extension { get; init; }
}
