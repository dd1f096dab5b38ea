using EgenvardRegistry.Certificates;

namespace EgenvardRegistry.Bench;

/// <summary>A child shared with the bench unit, and the measure the load asks about (the first on its current certificate).</summary>
public sealed record BenchChild(string Personnummer, string Measure);

/// <summary>What a plan holds, counted in one pass: for the generator's report, the load's input files and the tests.</summary>
public sealed class PlanFacts
{
    public int Children { get; private set; }

    public int Guardians { get; private set; }

    public int Certificates { get; private set; }

    public int Measures { get; private set; }

    public int Shares { get; private set; }

    public Dictionary<CertificateKind, int> ByKind { get; } = Enum.GetValues<CertificateKind>().ToDictionary(kind => kind, _ => 0);

    /// <summary>Reminders the service's scan queues today: one per guardian with reminders on, per certificate due.</summary>
    public int ExpectedReminders { get; private set; }

    /// <summary>The bench unit's children, in plan order: the load cycles over them.</summary>
    public List<BenchChild> BenchChildren { get; } = [];

    /// <summary>
    /// Certificates shared with the bench unit that are valid today: a school of the bench unit reads them and a clinician
    /// of the bench care unit renews them (the soak's mixed traffic).
    /// </summary>
    public List<Guid> BenchCertificates { get; } = [];

    public static PlanFacts Of(DataPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var facts = new PlanFacts();
        var today = plan.Options.Today;
        foreach (var child in plan.Children())
        {
            facts.Children++;
            facts.Guardians += child.Guardians.Count;
            foreach (var certificate in child.Certificates)
            {
                facts.Certificates++;
                facts.Measures += certificate.Measures.Count;
                facts.Shares += certificate.SharedWith.Count;
                facts.ByKind[certificate.Kind]++;
            }
            if (child.Current.Kind == CertificateKind.DueForReminder)
            {
                facts.ExpectedReminders += child.Guardians.Count(guardian => guardian.RemindersEnabled);
            }
            if (child.SharedWithBenchUnit)
            {
                facts.BenchChildren.Add(new BenchChild(child.Personnummer, child.Current.Measures[0].Code));
                if (child.Current.ValidOn(today) && child.Current.Status == CertificateStatus.Active)
                {
                    facts.BenchCertificates.Add(child.Current.Id);
                }
            }
        }
        return facts;
    }
}
