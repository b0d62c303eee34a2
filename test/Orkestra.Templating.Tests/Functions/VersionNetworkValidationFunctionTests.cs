using static Orkestra.Templating.Tests.Functions.FunctionTestKit;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>Semver, network and validation notes.</summary>
public class VersionNetworkValidationFunctionTests
{
    public static IEnumerable<TestCaseData> Rows()
    {
        // semver
        yield return Row("1", "semverMajor", "1.2.3");
        yield return Row("2", "semverMinor", "v1.2.3");
        yield return Row("3", "semverPatch", "1.2.3-rc.1+build.5");
        yield return Row("0", "semverMajor", "not-a-version");
        yield return Row("0", "semverPatch", "1.2");
        yield return Row("true", "semverValid", "v1.2.3");
        yield return Row("true", "semverValid", "1.2.3-alpha.1+meta");
        yield return Row("true", "semverValid", "1.2");
        yield return Row("false", "semverValid", "1.2.3.4");
        yield return Row("false", "semverValid", "latest");
        yield return Row("false", "semverValid", "");
        yield return Row("1", "semverCompare", "1.10.0", "1.9.0");
        yield return Row("-1", "semverCompare", "1.0.0-rc.1", "1.0.0");
        yield return Row("-1", "semverCompare", "1.0.0-alpha", "1.0.0-alpha.1");
        yield return Row("-1", "semverCompare", "1.0.0-alpha.2", "1.0.0-alpha.10");
        yield return Row("-1", "semverCompare", "1.0.0-2", "1.0.0-alpha");
        yield return Row("0", "semverCompare", "v1.2.3", "1.2.3+build");
        yield return Row("0", "semverCompare", "bad", "1.0.0");
        yield return Row("1.2.4", "semverBump", "1.2.3", "patch");
        yield return Row("2.1.1", "semverBump", "2.1.0-rc1", "patch");
        yield return Row("1.3.0", "semverBump", "1.2.3", "minor");
        yield return Row("v2.0.0", "semverBump", "v1.2.3", "major");
        yield return Row("1.2.3", "semverBump", "1.2.3", "build");
        yield return Row("nope", "semverBump", "nope", "patch");
        yield return Row("true", "semverConstraint", "1.5.0", ">=1.2.0,<2.0.0");
        yield return Row("true", "semverConstraint", "1.5.0", ">=1.2.0 <2.0.0");
        yield return Row("false", "semverConstraint", "2.0.0", ">=1.2.0, <2.0.0");
        yield return Row("true", "semverConstraint", "1.9.9", "^1.0");
        yield return Row("false", "semverConstraint", "2.0.0", "^1.0");
        yield return Row("true", "semverConstraint", "0.2.5", "^0.2.3");
        yield return Row("false", "semverConstraint", "0.3.0", "^0.2.3");
        yield return Row("true", "semverConstraint", "0.0.3", "^0.0.3");
        yield return Row("false", "semverConstraint", "0.0.4", "^0.0.3");
        yield return Row("true", "semverConstraint", "1.2.9", "~1.2");
        yield return Row("false", "semverConstraint", "1.3.0", "~1.2.3");
        yield return Row("true", "semverConstraint", "1.9.0", "~1");
        yield return Row("true", "semverConstraint", "1.4.2", "1.x");
        yield return Row("false", "semverConstraint", "2.0.0", "1.x");
        yield return Row("true", "semverConstraint", "1.2.7", "1.2.*");
        yield return Row("true", "semverConstraint", "7.0.0", "*");
        yield return Row("true", "semverConstraint", "1.2.5", "1.2");
        yield return Row("true", "semverConstraint", "1.3.0", ">1.2");
        yield return Row("false", "semverConstraint", "1.2.9", ">1.2");
        yield return Row("true", "semverConstraint", "1.2.9", "<=1.2");
        yield return Row("true", "semverConstraint", "1.3.0", "1.2 - 1.4.5");
        yield return Row("false", "semverConstraint", "1.4.6", "1.2 - 1.4.5");
        yield return Row("true", "semverConstraint", "3.1.0", "<2.0.0 || >=3.0.0");
        yield return Row("false", "semverConstraint", "2.5.0", "<2.0.0 || >=3.0.0");
        yield return Row("true", "semverConstraint", "1.2.4", "!=1.2.3");
        yield return Row("true", "semverConstraint", "v1.2.3", "=1.2.3");
        yield return Row("false", "semverConstraint", "1.3.0-beta", ">=1.2.0");
        yield return Row("true", "semverConstraint", "1.3.0-beta", ">=1.3.0-alpha");
        yield return Row("false", "semverConstraint", "garbage", ">=1.0.0");

        // network
        yield return Row("true", "cidrContains", "10.0.0.0/8", "10.1.2.3");
        yield return Row("false", "cidrContains", "192.168.0.0/16", "10.0.0.1");
        yield return Row("false", "cidrContains", "bad-cidr", "10.0.0.1");
        yield return Row("false", "cidrContains", "10.0.0.0/8", "nope");
        yield return Row("true", "cidrContains", "2001:db8::/32", "2001:db8::1");
        yield return Row("false", "cidrContains", "10.0.0.0/8", "2001:db8::1");
        yield return Row("true", "ipValid", "10.0.0.1");
        yield return Row("true", "ipValid", "2001:db8::1");
        yield return Row("false", "ipValid", "not-an-ip");
        yield return Row("false", "ipValid", "");
        yield return Row("false", "ipValid", "10.1");
        yield return Row("false", "ipValid", "256.1.1.1");
        yield return Row("true", "ipIsPrivate", "10.0.0.1");
        yield return Row("true", "ipIsPrivate", "192.168.1.100");
        yield return Row("true", "ipIsPrivate", "172.20.0.5");
        yield return Row("false", "ipIsPrivate", "172.32.0.1");
        yield return Row("false", "ipIsPrivate", "8.8.8.8");
        yield return Row("true", "ipIsPrivate", "fd12::1");
        yield return Row("false", "ipIsPrivate", "2001:db8::1");
        yield return Row("false", "ipIsPrivate", "garbage");

        // validation
        yield return Row("true", "isValidEmail", "team@myorg.io");
        yield return Row("false", "isValidEmail", "Team <team@myorg.io>");
        yield return Row("false", "isValidEmail", "not-an-email");
        yield return Row("false", "isValidEmail", "a@b@c.io");
        yield return Row("false", "isValidEmail", Nil);
        yield return Row("true", "isValidGitRepository", "https://github.com/myorg/payments");
        yield return Row("true", "isValidGitRepository", "git@github.com:myorg/payments.git");
        yield return Row("true", "isValidGitRepository", "ssh://git@github.com/myorg/payments.git");
        yield return Row("false", "isValidGitRepository", "not a repo");
        yield return Row("false", "isValidGitRepository", "https://github.com");
        yield return Row("true", "isValidImageRef", "myorg/app:v1.2.3");
        yield return Row("true", "isValidImageRef", "registry.myorg.io:5000/team/app:latest");
        yield return Row("true", "isValidImageRef", "nginx");
        yield return Row("true", "isValidImageRef", "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        yield return Row("false", "isValidImageRef", "MyOrg/App");
        yield return Row("false", "isValidImageRef", "nginx latest");
        yield return Row("false", "isValidImageRef", "");
        yield return Row("true", "isValidJSON", "{\"app\": \"payments-api\"}");
        yield return Row("true", "isValidJSON", "[1, 2]");
        yield return Row("false", "isValidJSON", "{not json");
        yield return Row("true", "isValidPort", "8080");
        yield return Row("true", "isValidPort", 443);
        yield return Row("false", "isValidPort", "0");
        yield return Row("false", "isValidPort", "70000");
        yield return Row("false", "isValidPort", "http");
        yield return Row("true", "isValidURL", "https://example.com/webhook");
        yield return Row("true", "isValidURL", "http://localhost:8080");
        yield return Row("false", "isValidURL", "ftp://example.com");
        yield return Row("false", "isValidURL", "not a url");
        yield return Row("false", "isValidURL", "/relative/path");
        yield return Row("true", "isDNS1123Subdomain", "my-app.example.com");
        yield return Row("false", "isDNS1123Subdomain", "My_App");
        yield return Row("false", "isDNS1123Subdomain", "");
        yield return Row("false", "isDNS1123Subdomain", "-leading");
        yield return Row("false", "isDNS1123Subdomain", new string('a', 254));
        yield return Row("true", "isValidLabelKey", "tier");
        yield return Row("true", "isValidLabelKey", "platform.myorg.io/tier");
        yield return Row("false", "isValidLabelKey", "bad key");
        yield return Row("false", "isValidLabelKey", "Bad.Prefix/tier");
        yield return Row("false", "isValidLabelKey", new string('a', 64));
        yield return Row("true", "isValidLabelValue", "team-payments");
        yield return Row("true", "isValidLabelValue", "");
        yield return Row("false", "isValidLabelValue", "team payments");
        yield return Row("false", "isValidLabelValue", "-leading-dash");
        yield return Row("false", "isValidLabelValue", new string('a', 64));
        yield return Row("true", "isValidAnnotationKey", "platform.myorg.io/jira-ticket");
        yield return Row("false", "isValidAnnotationKey", "bad key");
    }

    public static IEnumerable<TestCaseData> Errors()
    {
        yield return Error("\">>1\" is not a valid constraint", "semverConstraint", "1.0.0", ">>1");
        yield return Error("is not a valid constraint", "semverConstraint", "1.0.0", "");
        yield return Error("is not a valid constraint", "semverConstraint", "1.0.0", "1.x.3");
    }

    [TestCaseSource(nameof(Rows))]
    public void Returns(string name, object?[] args, string expected) => AssertRow(name, args, expected);

    [TestCaseSource(nameof(Errors))]
    public void Fails(string name, object?[] args, string fragment) => AssertError(name, args, fragment);
}
