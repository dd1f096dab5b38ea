using EgenvardRegistry.Signing;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Signing;

/// <summary>The key files: created owner-only in Development, rotated so that old papers keep verifying.</summary>
[TestFixture]
public sealed class SigningKeyTests
{
    private DirectoryInfo _root = null!;

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("egenvard-keys-");

    [TearDown]
    public void RemoveRoot() => _root.Delete(recursive: true);

    [Test]
    public void Development_WithNoKeyPath_CreatesAnOwnerOnlyKeyUnderDataKeys()
    {
        var options = Options(development: true);

        using var ring = new SigningKeyRing(Microsoft.Extensions.Options.Options.Create(options));

        var file = Path.Combine(_root.FullName, "data", "keys", "signing.pem");
        Assert.That(options.KeyPath, Is.EqualTo(file));
        Assert.That(File.Exists(file), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
        Assert.That(ring.Current.KeyId, Is.EqualTo(SigningKeyFiles.Load(file).KeyId), "the same key on the next start");
    }

    [Test]
    public void Rotate_TheNewKeySigns_AndAPaperSignedWithTheOldOneStillVerifies()
    {
        var options = Options(development: true);
        string paper;
        string oldKeyId;
        using (var before = new SigningKeyRing(Microsoft.Extensions.Options.Options.Create(options)))
        {
            paper = SignedCertificates.Sign(CodecTests.Payload(measures: 1), before.Current);
            oldKeyId = before.Current.KeyId;
        }

        var (retired, created) = SigningKeyFiles.Rotate(options.KeyPath!, options.RetiredKeyFolder!);
        using var after = new SigningKeyRing(Microsoft.Extensions.Options.Options.Create(Options(development: true)));

        Assert.That(retired, Is.EqualTo(oldKeyId));
        Assert.That(after.Current.KeyId, Is.EqualTo(created).And.Not.EqualTo(oldKeyId));
        Assert.That(after.Verifying.Select(key => key.KeyId), Is.EqualTo(new[] { created, oldKeyId }));
        Assert.That(File.ReadAllText(Path.Combine(options.RetiredKeyFolder!, $"{oldKeyId}.pem")), Does.Contain("PUBLIC KEY"),
            "only the public half of a retired key is kept");
        var check = SignedCertificates.Check(paper, after);
        Assert.That((check.Refusal, check.KeyId), Is.EqualTo(((string?)null, oldKeyId)));
    }

    [Test]
    public void Rotate_WithNoKeyYet_CreatesTheFirstOne_WhichTheSettingsThenAccept()
    {
        var path = Path.Combine(_root.FullName, "keys", "signing.pem");
        var options = new SigningOptions { KeyPath = path };
        options.Resolve(_root.FullName, development: false);

        var (retired, created) = SigningKeyFiles.Rotate(options.KeyPath!, options.RetiredKeyFolder!);

        Assert.That(retired, Is.Null);
        Assert.That(SigningKeyFiles.Load(path).KeyId, Is.EqualTo(created));
        Assert.That(options.Validate(new(new object())), Is.Empty);
    }

    [Test]
    public void OutsideDevelopment_NoKeyPath_IsRefusedNamingTheSetting()
    {
        var problems = Options(development: false).Validate(new(new object())).Select(problem => problem.ErrorMessage).ToList();

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("Signing:KeyPath must name a PEM file"));
    }

    private SigningOptions Options(bool development)
    {
        var options = new SigningOptions();
        options.Resolve(_root.FullName, development);
        return options;
    }
}
