namespace EgenvardRegistry.Guardians;

/// <summary>Where a guardian's current e-mail address came from (<c>guardians.email_source</c>).</summary>
public static class EmailSources
{
    /// <summary>The guardian set it on their page or through the API, or accepted a care unit's suggestion.</summary>
    public const string Guardian = "guardian";

    /// <summary>A clinician entered it on a certificate.</summary>
    public const string Clinician = "clinician";
}

/// <summary>Who changed an address, as the notice to the old address says it (<c>notifications.changed_by</c>).</summary>
public static class EmailChangers
{
    public const string Guardian = "guardian";
    public const string Care = "care";
}

/// <summary>What a clinician's entry of a guardian's address on a certificate does.</summary>
public enum CareEntry
{
    /// <summary>No address entered, or the address in use: nothing changes.</summary>
    Unchanged,

    /// <summary>The address in use came from care (or there is none): the entry replaces it, as it always did.</summary>
    Replace,

    /// <summary>The guardian set the address in use: the entry is kept as a suggestion the guardian may accept.</summary>
    Suggest,
}

/// <summary>The guardian owns their address: the rules of who may change it, without I/O.</summary>
public static class GuardianEmailRules
{
    /// <summary>Addresses differing only in letter case are one address (domains are case-blind, and so are mailboxes in practice).</summary>
    public static bool SameAddress(string? first, string? second) =>
        string.Equals(first, second, StringComparison.OrdinalIgnoreCase);

    /// <param name="entered">The address the clinician entered, null for none.</param>
    /// <param name="current">The guardian's address now.</param>
    /// <param name="source">Where <paramref name="current"/> came from (<see cref="EmailSources"/>).</param>
    /// <param name="suggested">The suggestion the guardian has not answered yet, if any.</param>
    public static CareEntry OnCareEntry(string? entered, string? current, string? source, string? suggested) =>
        entered is null || SameAddress(entered, current) ? CareEntry.Unchanged
        : current is null || source != EmailSources.Guardian ? CareEntry.Replace
        : SameAddress(entered, suggested) ? CareEntry.Unchanged
        : CareEntry.Suggest;
}
