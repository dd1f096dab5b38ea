using System.Globalization;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Shares;
using EgenvardRegistry.Units;

namespace EgenvardRegistry.Bench;

public enum ColumnType
{
    Uuid,
    Text,
    Number,
    Boolean,
    Date,
    Instant,
}

public sealed record Column(string Name, ColumnType Type);

/// <summary>One table the generator fills: its columns, and its rows drawn from the plan (in an order the keys accept).</summary>
public sealed record TableSpec(string Name, IReadOnlyList<Column> Columns, Func<DataPlan, IEnumerable<object?[]>> Rows);

/// <summary>
/// The rows a certificate has when the service issued, renewed or revoked it: the certificate, its guardians, measures,
/// shares, history and share consents, and the children, guardians and units they name. No audit events: the load
/// measures verifications against a registry, not against its past traffic.
/// </summary>
public static class Tables
{
    private const string InstructionGivenBy = "Diabetessköterska eller barnsjuksköterska instruerar personalen på plats.";
    private const string ClinicianName = "Karin Berg";
    private const string Profession = "Sjuksköterska";
    private const string RevocationReason = "Behandlingen är avslutad.";

    public static readonly IReadOnlyList<TableSpec> InLoadOrder =
    [
        new("units", Columns(("id", ColumnType.Text), ("name", ColumnType.Text), ("kind", ColumnType.Text),
                ("municipality", ColumnType.Text), ("organiser", ColumnType.Text), ("name_folded", ColumnType.Text),
                ("municipality_folded", ColumnType.Text), ("created_at", ColumnType.Instant), ("updated_at", ColumnType.Instant)),
            plan => Units(plan)),
        new("children", Columns(("id", ColumnType.Uuid), ("personnummer", ColumnType.Text), ("name", ColumnType.Text),
                ("created_at", ColumnType.Instant)),
            plan => plan.Children().Select(child => Row(child.Id, child.Personnummer, child.Name, child.CreatedAt))),
        new("guardians", Columns(("id", ColumnType.Uuid), ("personnummer", ColumnType.Text), ("name", ColumnType.Text),
                ("email", ColumnType.Text), ("reminders_enabled", ColumnType.Boolean), ("created_at", ColumnType.Instant),
                ("updated_at", ColumnType.Instant), ("email_source", ColumnType.Text), ("email_set_at", ColumnType.Instant)),
            // Every address as a clinician entered it on the certificate.
            plan => plan.Children().SelectMany(child => child.Guardians.Select(guardian => Row(
                guardian.Id, guardian.Personnummer, guardian.Name, guardian.Email, guardian.RemindersEnabled,
                child.CreatedAt, child.CreatedAt, guardian.Email is null ? null : "clinician",
                guardian.Email is null ? null : child.CreatedAt)))),
        new("certificates", Columns(("id", ColumnType.Uuid), ("child_id", ColumnType.Uuid), ("child_name", ColumnType.Text),
                ("status", ColumnType.Text), ("version", ColumnType.Number), ("valid_from", ColumnType.Date),
                ("valid_until", ColumnType.Date), ("follow_up_on", ColumnType.Date), ("instruction_given_by", ColumnType.Text),
                ("care_unit_hsa_id", ColumnType.Text), ("care_unit_name", ColumnType.Text), ("care_unit_phone", ColumnType.Text),
                ("issued_at", ColumnType.Instant), ("issued_by_sub", ColumnType.Text), ("issued_by_hsa_id", ColumnType.Text),
                ("issued_by_name", ColumnType.Text), ("issued_by_profession", ColumnType.Text), ("replaces", ColumnType.Uuid),
                ("replaced_by", ColumnType.Uuid), ("revoked_at", ColumnType.Instant), ("revoked_by", ColumnType.Text),
                ("revocation_reason", ColumnType.Text)),
            plan => Each(plan, (child, c) =>
            {
                var revoked = c.Kind == CertificateKind.Revoked;
                return [Row(c.Id, child.Id, child.Name, c.Status, c.Version, c.ValidFrom, c.ValidUntil, c.FollowUpOn,
                    InstructionGivenBy, c.CareUnit.HsaId, c.CareUnit.Name, c.CareUnit.Phone, c.IssuedAt, c.CareUnit.ClinicianSub,
                    c.CareUnit.ClinicianHsaId, ClinicianName, Profession, c.Replaces, null,
                    revoked ? c.EndedAt : null, revoked ? c.CareUnit.ClinicianHsaId : null, revoked ? RevocationReason : null)];
            })),
        new("certificate_guardians", Columns(("certificate_id", ColumnType.Uuid), ("guardian_id", ColumnType.Uuid),
                ("position", ColumnType.Number), ("name", ColumnType.Text)),
            plan => Each(plan, (child, c) => child.Guardians.Select((guardian, position) => Row(c.Id, guardian.Id, position, guardian.Name)))),
        new("certificate_measures", Columns(("certificate_id", ColumnType.Uuid), ("position", ColumnType.Number),
                ("code", ColumnType.Text), ("description", ColumnType.Text), ("performer", ColumnType.Text),
                ("instructions", ColumnType.Text), ("if_harm", ColumnType.Text), ("if_changed", ColumnType.Text)),
            plan => Each(plan, (_, c) => c.Measures.Select((m, position) => Row(
                c.Id, position, m.Code, m.Description, m.Performer, m.Instructions, m.IfHarm, m.IfChanged)))),
        new("certificate_shares", Columns(("certificate_id", ColumnType.Uuid), ("school_unit", ColumnType.Text)),
            plan => Each(plan, (_, c) => c.SharedWith.Select(unit => Row(c.Id, unit)))),
        new("certificate_history", Columns(("certificate_id", ColumnType.Uuid), ("version", ColumnType.Number),
                ("status", ColumnType.Text), ("change", ColumnType.Text), ("changed_at", ColumnType.Instant),
                ("changed_by", ColumnType.Text), ("reason", ColumnType.Text)),
            plan => Each(plan, (_, c) => History(c))),
        new("share_consents", Columns(("certificate_id", ColumnType.Uuid), ("unit_id", ColumnType.Text), ("change", ColumnType.Text),
                ("basis", ColumnType.Text), ("actor_role", ColumnType.Text), ("actor_id", ColumnType.Text),
                ("actor_name", ColumnType.Text), ("occurred_at", ColumnType.Instant)),
            plan => Each(plan, (_, c) => c.SharedWith.Select(unit => Row(
                c.Id, unit, ConsentChanges.Add,
                c.Kind == CertificateKind.Renewal ? ConsentBases.CarriedOver : ConsentBases.AtGuardiansRequest,
                "clinician", c.CareUnit.ClinicianHsaId, ClinicianName, c.IssuedAt)))),
    ];

    /// <summary>
    /// A replaced certificate and its renewal name each other. The rows go in with <c>replaced_by</c> empty, the renewal
    /// after the certificate it replaces, and this fills <c>replaced_by</c> in afterwards from the renewals' <c>replaces</c>
    /// (through its unique index). Inserting the pair with both links would leave a foreign key pointing forward, and
    /// SQLite, deferring it, would then search <c>replaced_by</c> (unindexed) on every later insert.
    /// </summary>
    public const string LinkRenewals = """
        UPDATE certificates
        SET replaced_by = (SELECT r.id FROM certificates r WHERE r.replaces = certificates.id)
        WHERE status = 'replaced'
        """;

    private static IEnumerable<object?[]> Units(DataPlan plan)
    {
        var created = new DateTimeOffset(plan.Options.Today.AddDays(-400).ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero);
        var units = plan.SchoolUnits.Select((id, i) => (id, name: string.Create(CultureInfo.InvariantCulture, $"Skola {i + 1}")))
            .Append((id: plan.Options.BenchUnit, name: "Benchskolan"));
        foreach (var (id, name) in units)
        {
            yield return Row(id, name, "skola", "Västerås", "Västerås stad", UnitSearchText.Fold(name), UnitSearchText.Fold("Västerås"),
                created, created);
        }
    }

    private static IEnumerable<object?[]> History(PlannedCertificate c)
    {
        yield return Row(c.Id, 1, CertificateStatus.Active, c.Kind == CertificateKind.Renewal ? "renewed" : "issued", c.IssuedAt,
            c.CareUnit.ClinicianSub, null);
        if (c.Kind is CertificateKind.Revoked or CertificateKind.Replaced)
        {
            var revoked = c.Kind == CertificateKind.Revoked;
            yield return Row(c.Id, 2, c.Status, revoked ? "revoked" : "replaced", c.EndedAt, c.CareUnit.ClinicianSub,
                revoked ? RevocationReason : null);
        }
    }

    private static IEnumerable<object?[]> Each(DataPlan plan, Func<PlannedChild, PlannedCertificate, IEnumerable<object?[]>> rows) =>
        plan.Children().SelectMany(child => child.Certificates.SelectMany(certificate => rows(child, certificate)));

    private static object?[] Row(params object?[] values) => values;

    private static Column[] Columns(params (string Name, ColumnType Type)[] columns) =>
        [.. columns.Select(column => new Column(column.Name, column.Type))];
}
