using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ConcurrentIssueTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Issue_ManyAtOnceForOneChild_AllSucceedWithOneChildAndOneGuardianRow()
    {
        string[] measures = ["insulin", "blood-glucose", "adrenaline", "inhaler", "oxygen", "tube-feeding", "stoma-care", "catheterisation"];

        var ids = await Task.WhenAll(measures.Select(measure => IssueOk(Samples.Certificate(measures: measure))));

        Assert.That(ids.Distinct().Count(), Is.EqualTo(measures.Length));
        Assert.That(await Count("children"), Is.EqualTo(1));
        Assert.That(await Count("guardians"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'certificate.issue'"), Is.EqualTo(measures.Length));
    }

    [Test]
    public async Task ReadsVerificationsAndIssuesAtOnce_AllSucceedAndAreAllAudited()
    {
        var existing = await IssueOk();

        var work = Enumerable.Range(0, 24).Select(async i =>
        {
            switch (i % 3)
            {
                case 0:
                    await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
                    break;
                case 1:
                    using (var read = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{existing}"))
                    {
                        Assert.That(read.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
                    }
                    break;
                default:
                    Assert.That((await Verify(Samples.ChildPnr, "insulin"))["covered"]!.GetValue<bool>(), Is.True);
                    break;
            }
        });
        await Task.WhenAll(work);

        Assert.That(await AuditCount(), Is.EqualTo(1 + 24));
        Assert.That(await Count("certificates"), Is.EqualTo(1 + 8));
    }
}
