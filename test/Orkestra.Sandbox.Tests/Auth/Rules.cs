using Orkestra.Sandbox.Auth;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>Short construction of RBAC rules for the Auth tests.</summary>
static class Rules
{
    public static PolicyRule Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null, string[]? urls = null) =>
        new(verbs, groups, resources, names ?? [], urls ?? []);
}
