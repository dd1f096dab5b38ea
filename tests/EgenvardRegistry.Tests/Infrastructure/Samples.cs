using System.Text.Json.Nodes;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>Request bodies as JSON, so tests can remove fields or put values of the wrong type in them.</summary>
public static class Samples
{
    public const string ChildPnr = "201503122382";
    public const string OtherChildPnr = "201701022384";

    public static JsonObject Certificate(
        string childPnr = ChildPnr,
        string validFrom = "2026-08-15",
        string validUntil = "2027-08-14",
        string followUpOn = "2027-02-15",
        string careUnit = Tokens.CareUnit,
        string[]? sharedWith = null,
        string guardianPnr = Tokens.GuardianPnr,
        params string[] measures) => new()
    {
        ["child"] = new JsonObject { ["personnummer"] = childPnr, ["name"] = "Alva Lind" },
        ["guardians"] = new JsonArray(new JsonObject
        {
            ["personnummer"] = guardianPnr, ["name"] = "Sara Lind", ["email"] = "sara.lind@example.se",
        }),
        ["measures"] = new JsonArray((measures.Length == 0 ? ["insulin"] : measures).Select(Measure).ToArray<JsonNode?>()),
        ["instructionGivenBy"] = "Diabetessköterska instruerar personal på plats.",
        ["validFrom"] = validFrom,
        ["validUntil"] = validUntil,
        ["followUpOn"] = followUpOn,
        ["careUnit"] = new JsonObject
        {
            ["hsaId"] = careUnit, ["name"] = "Barndiabetesmottagningen Västerås", ["phone"] = "021-17 30 00",
        },
        ["sharedWith"] = new JsonArray((sharedWith ?? [Tokens.SchoolUnit]).Select(unit => (JsonNode?)unit).ToArray()),
    };

    /// <summary>A certificate valid for a year up to <paramref name="days"/> days after <paramref name="today"/>, so a reminder is due.</summary>
    public static JsonObject CertificateExpiringIn(DateOnly today, int days, string childPnr = ChildPnr)
    {
        var until = today.AddDays(days);
        var from = until.AddMonths(-12);
        return Certificate(childPnr: childPnr, validFrom: Iso(from), validUntil: Iso(until), followUpOn: Iso(from));
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Measure(string code) => new()
    {
        ["code"] = code,
        ["description"] = code == "other" ? "Hjälp med hörapparat" : null,
        ["performer"] = "child-with-staff",
        ["instructions"] = "Insulinpenna före lunch enligt dosschema.",
        ["ifHarm"] = "Vid känning: ge druvsocker, ring vårdnadshavare; vid medvetslöshet ring 112.",
        ["ifChanged"] = "Kontakta diabetesmottagningen.",
    };
}
