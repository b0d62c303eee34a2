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

    [TestCase("User", "system:serviceaccount:ns1:bot", "", "", true)]
    [TestCase("Group", "system:serviceaccounts:ns1", "", "", true)]
    [TestCase("Group", "system:serviceaccounts:ns2", "", "", false)]
    [TestCase("ServiceAccount", "bot", "ns1", "other", true)]
    [TestCase("ServiceAccount", "bot", "ns2", "ns1", false)]
    [TestCase("ServiceAccount", "bot", "", "ns1", true)]
    [TestCase("ServiceAccount", "bot", "", "ns2", false)]
    [TestCase("ServiceAccount", "bot", "", "", false)]
    public void Subject_applies_to_service_account(string kind, string name, string ns, string bindingNs, bool expected) =>
        new Subject(kind, name, ns).AppliesTo(UserInfo.ServiceAccount("ns1", "bot"), bindingNs).ShouldBe(expected);
}
