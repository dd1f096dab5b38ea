using System.Reflection;
using EgenvardRegistry.Audit;

namespace EgenvardRegistry.Tests.Audit;

public sealed class AuditActionsTests
{
    private static IReadOnlyList<string> AllActions() =>
    [
        .. typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!),
    ];

    [Test]
    public void EveryAction_IsEitherAReadOrAWrite_SoTheAccessLogCannotMissARead()
    {
        var actions = AllActions();

        Assert.That(actions, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(AuditActions.Reads.Concat(AuditActions.Writes), Is.EquivalentTo(actions));
        Assert.That(AuditActions.Reads.Intersect(AuditActions.Writes), Is.Empty);
    }

    [Test]
    public void ReadingTheAuditLogAndTheAccessLog_CountAsReads()
    {
        Assert.That(AuditActions.Reads, Is.SupersetOf(new[]
        {
            "certificate.read", "verification", "school.list", "audit.read", "audit.search", "guardian.access-log",
        }));
    }
}
