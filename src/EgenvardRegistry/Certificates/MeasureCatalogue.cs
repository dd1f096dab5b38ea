using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Certificates;

/// <summary>The measure codes the registry knows, with the Swedish words shown to people.</summary>
public static class MeasureCatalogue
{
    public const string Other = "other";

    public static readonly IReadOnlyDictionary<string, string> Swedish = new Dictionary<string, string>
    {
        ["insulin"] = "Insulin",
        ["blood-glucose"] = "Blodsockermätning",
        ["adrenaline"] = "Adrenalinpenna",
        ["inhaler"] = "Inhalator",
        ["seizure-medication"] = "Krampstillande läkemedel",
        ["oral-medication"] = "Läkemedel via munnen",
        ["tube-feeding"] = "Sondmatning",
        ["catheterisation"] = "Kateterisering",
        ["stoma-care"] = "Stomivård",
        ["oxygen"] = "Syrgas",
        [Other] = "Annan åtgärd",
    };

    /// <summary>
    /// Measures whose absence can be life-threatening (anaphylaxis, a long seizure): a school's "no valid certificate"
    /// for them must not read as "do nothing", so the verdict adds "call 112".
    /// </summary>
    public static readonly IReadOnlySet<string> Emergency = new HashSet<string> { "adrenaline", "seizure-medication" };

    public static readonly ErrorCode Unknown = new("measure.unknown", $"Unknown measure; one of {string.Join(", ", Swedish.Keys)}.");

    public static bool IsKnown(string? code) => code is not null && Swedish.ContainsKey(code);
}

/// <summary>Who carries out a measure.</summary>
public static class Performers
{
    public static readonly IReadOnlyDictionary<string, string> Swedish = new Dictionary<string, string>
    {
        ["child"] = "Barnet själv",
        ["staff"] = "Personal",
        ["child-with-staff"] = "Barnet med stöd av personal",
    };

    /// <summary>
    /// Measures whose absence can be life-threatening (anaphylaxis, a long seizure): a school's "no valid certificate"
    /// for them must not read as "do nothing", so the verdict adds "call 112".
    /// </summary>
    public static readonly IReadOnlySet<string> Emergency = new HashSet<string> { "adrenaline", "seizure-medication" };

    public static readonly ErrorCode Unknown = new("performer.unknown", $"Who performs the measure: one of {string.Join(", ", Swedish.Keys)}.");

    public static bool IsKnown(string? performer) => performer is not null && Swedish.ContainsKey(performer);
}
