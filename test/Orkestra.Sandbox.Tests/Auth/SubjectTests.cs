using Orkestra.Sandbox.Auth;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>ServiceAccount identities and which binding subjects name a user.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SubjectTests
{
    [Test]
    public void Service_account_identity_has_kube_name_and_groups()
    {
        var sa = UserInfo.ServiceAccount("ns1", "bot");
        sa.Name.ShouldBe("system:serviceaccount:ns1:bot");
        sa.Groups.ShouldBe(["system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"]);
    }

    [Test]
    public void Subjects_match_by_kind()
    {
        var sa = UserInfo.ServiceAccount("ns1", "bot");
        new Subject("User", "system:serviceaccount:ns1:bot", "").AppliesTo(sa, "").ShouldBeTrue();
        new Subject("Group", "system:serviceaccounts:ns1", "").AppliesTo(sa, "").ShouldBeTrue();
        new Subject("Group", "system:serviceaccounts:ns2", "").AppliesTo(sa, "").ShouldBeFalse();
        new Subject("ServiceAccount", "bot", "ns1").AppliesTo(sa, "other").ShouldBeTrue();
        new Subject("ServiceAccount", "bot", "ns2").AppliesTo(sa, "ns1").ShouldBeFalse();
    }

    [Test]
    public void Service_account_subject_without_namespace_uses_the_binding_namespace()
    {
        var sa = UserInfo.ServiceAccount("ns1", "bot");
        new Subject("ServiceAccount", "bot", "").AppliesTo(sa, "ns1").ShouldBeTrue();
        new Subject("ServiceAccount", "bot", "").AppliesTo(sa, "ns2").ShouldBeFalse();
        new Subject("ServiceAccount", "bot", "").AppliesTo(sa, "").ShouldBeFalse();
    }
}
