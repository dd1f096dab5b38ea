using EgenvardRegistry.Infrastructure.Http;

namespace EgenvardRegistry.Tests.Platform;

public sealed class IdempotencyKeyTests
{
    [TestCase("a", true)]
    [TestCase("4f1c2b9e-8d2a-4c1e-9f7a-0b6c3d5e7f91", true)]
    [TestCase("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", true)]
    [TestCase("", false)]
    [TestCase(" ", false)]
    [TestCase("key with spaces", false)]
    [TestCase("tab\tkey", false)]
    [TestCase("line\nbreak", false)]
    [TestCase("nyckel-å", false)]
    [TestCase("del\u007f", false)]
    [TestCase(null, false)]
    public void IsValidKey_AcceptsOnlyVisibleAscii(string? key, bool valid)
    {
        Assert.That(Idempotency.IsValidKey(key), Is.EqualTo(valid));
    }

    [Test]
    public void IsValidKey_AcceptsUpTo200Characters()
    {
        Assert.That(Idempotency.IsValidKey(new string('k', 200)), Is.True);
        Assert.That(Idempotency.IsValidKey(new string('k', 201)), Is.False);
    }
}
