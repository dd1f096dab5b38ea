using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

/// <summary>Two changes to one certificate at the same moment: exactly one wins, the other is told why.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class LifecycleRaceTests(Engine engine) : IntegrationTest(engine)
{
    private const int Rounds = 5;

    [Test]
    public async Task TwoRenewalsAtOnce_OneCreatesTheRenewal_TheOtherGets409()
    {
        for (var round = 0; round < Rounds; round++)
        {
            await App.Database.ResetAsync();
            var id = await IssueOk();

            var responses = await Task.WhenAll(Renew(id), Renew(id));

            Assert.That(responses.Select(r => r.StatusCode),
                Is.EquivalentTo(new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }), $"round {round}");
            Assert.That(await Count("certificates"), Is.EqualTo(2));
            Assert.That(await Count("certificates", "status = 'active'"), Is.EqualTo(1));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Test]
    public async Task RenewalRacingRevocation_ExactlyOneWins()
    {
        for (var round = 0; round < Rounds; round++)
        {
            await App.Database.ResetAsync();
            var id = await IssueOk();

            var responses = await Task.WhenAll(Renew(id), Revoke(id, reason: "Fel barn"));
            var (renewal, revocation) = (responses[0].StatusCode, responses[1].StatusCode);

            // A renewal that wins moves the version on, so the revocation's If-Match is stale (412); a revocation that
            // wins leaves nothing to renew (409).
            Assert.That((renewal, revocation), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.PreconditionFailed))
                .Or.EqualTo((HttpStatusCode.Conflict, HttpStatusCode.OK)), $"round {round}");
            var expectedCertificates = renewal == HttpStatusCode.Created ? 2 : 1;
            Assert.That(await Count("certificates"), Is.EqualTo(expectedCertificates));
            Assert.That(await Count("certificates", "status = 'active'"), Is.EqualTo(expectedCertificates - 1));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
