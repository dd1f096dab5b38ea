using System.Globalization;
using System.Text.RegularExpressions;

namespace EgenvardRegistry.Web;

/// <summary>An error shown on a page: the form field it belongs to (its <c>name</c>), the field's label and the message.</summary>
public sealed record FieldError(string Field, string Label, string Message);

/// <summary>
/// Turns the certificate rules' errors (JSON paths such as <c>measures[0].ifHarm</c>, English messages) into Swedish
/// errors on the form's fields, so the pages validate with the API's own rules. Form fields are named after the
/// JSON paths under a prefix: <c>measures[0].ifHarm</c> is the input <c>Form.Measures[0].IfHarm</c>.
/// </summary>
public static partial class SwedishErrors
{
    /// <summary>Label ({n} is the item's number) and the message for a missing value, by path with indices removed.</summary>
    private static readonly Dictionary<string, (string Label, string Required)> Fields = new()
    {
        ["child"] = ("Barnet", "Ange barnets personnummer och namn."),
        ["child.personnummer"] = ("Barnets personnummer", "Ange barnets personnummer."),
        ["child.name"] = ("Barnets namn", "Ange barnets namn."),
        ["guardians"] = ("Vårdnadshavare", "Ange minst en vårdnadshavare."),
        ["guardians[]"] = ("Vårdnadshavare {n}", "Ange vårdnadshavaren."),
        ["guardians[].personnummer"] = ("Vårdnadshavare {n}: personnummer", "Ange vårdnadshavarens personnummer."),
        ["guardians[].name"] = ("Vårdnadshavare {n}: namn", "Ange vårdnadshavarens namn."),
        ["guardians[].email"] = ("Vårdnadshavare {n}: e-postadress", "Ange en e-postadress."),
        ["measures"] = ("Åtgärder", "Lägg till minst en åtgärd."),
        ["measures[]"] = ("Åtgärd {n}", "Fyll i åtgärden."),
        ["measures[].code"] = ("Åtgärd {n}: åtgärd", "Välj åtgärd."),
        ["measures[].description"] = ("Åtgärd {n}: beskrivning", "Beskriv åtgärden när du har valt Annan åtgärd."),
        ["measures[].performer"] = ("Åtgärd {n}: vem utför", "Välj vem som utför åtgärden."),
        ["measures[].instructions"] = ("Åtgärd {n}: instruktioner", "Beskriv hur åtgärden utförs."),
        ["measures[].ifHarm"] = ("Åtgärd {n}: vid skada eller risk för skada",
            "Ange vad som ska göras, och vem som ska kontaktas, vid skada eller risk för skada."),
        ["measures[].ifChanged"] = ("Åtgärd {n}: vid ändrade förhållanden",
            "Ange vad som ska göras, och vem som ska kontaktas, om förhållandena ändras."),
        ["instructionGivenBy"] = ("Hur information och instruktion ges", "Ange hur information och instruktion ges."),
        ["validFrom"] = ("Giltigt från", "Ange från vilket datum intyget gäller."),
        ["validUntil"] = ("Giltigt till (omprövning)", "Ange när bedömningen ska omprövas."),
        ["followUpOn"] = ("Uppföljning", "Ange när uppföljningen sker."),
        ["careUnit"] = ("Vårdenhet", "Ange vårdenhetens namn och telefonnummer."),
        ["careUnit.hsaId"] = ("Vårdenhetens HSA-id", "Din inloggning saknar vårdenhetens HSA-id."),
        ["careUnit.name"] = ("Vårdenhetens namn", "Ange vårdenhetens namn."),
        ["careUnit.phone"] = ("Vårdenhetens telefonnummer",
            "Ange vårdenhetens telefonnummer: skolan ringer det när egenvården inte fungerar."),
        ["sharedWith"] = ("Skolenheter", "Ange skolenhetskoder."),
        ["sharedWith[]"] = ("Skolenheter", "Ange skolenhetskoden."),
        ["reason"] = ("Skäl", "Ange varför intyget återkallas."),
        ["personnummer"] = ("Barnets personnummer", "Ange barnets personnummer."),
    };

    /// <summary>The rules' other messages, matched from their start.</summary>
    private static readonly (Regex English, Func<Match, int, string> Swedish)[] Messages =
    [
        (MessageRegex("^(Required|Say what to do|Describe the measure)"), (_, _) => ""),
        (MessageRegex(@"^At most (\d+) characters"), (match, _) => $"Skriv högst {match.Groups[1].Value} tecken."),
        (MessageRegex("^Not a valid personnummer"), (_, _) => "Ange ett giltigt personnummer eller samordningsnummer, till exempel 20150312-2382."),
        (MessageRegex("^A guardian cannot be the child"), (_, _) => "Vårdnadshavaren kan inte ha samma personnummer som barnet."),
        (MessageRegex("^The same guardian is listed twice"), (_, _) => "Samma vårdnadshavare står två gånger."),
        (MessageRegex("^Not a valid e-mail address"), (_, _) => "Ange en giltig e-postadress, till exempel namn@example.se."),
        (MessageRegex("^At least one guardian"), (_, _) => "Ange minst en vårdnadshavare."),
        (MessageRegex(@"^At most (\d+) guardians"), (match, _) => $"Ange högst {match.Groups[1].Value} vårdnadshavare."),
        (MessageRegex("^A guardian is required here"), (_, _) => "Ange vårdnadshavaren."),
        (MessageRegex("^At least one measure"), (_, _) => "Lägg till minst en åtgärd."),
        (MessageRegex(@"^At most (\d+) measures"), (match, _) => $"Ange högst {match.Groups[1].Value} åtgärder."),
        (MessageRegex("^A measure is required here"), (_, _) => "Fyll i åtgärden."),
        (MessageRegex("^Unknown measure"), (_, _) => "Välj en åtgärd i listan."),
        (MessageRegex("^The same measure is listed twice"), (_, _) => "Samma åtgärd står två gånger; beskriv allt om den under en åtgärd."),
        (MessageRegex("^Who performs the measure"), (_, _) => "Välj vem som utför åtgärden."),
        (MessageRegex("^Must not be before validFrom"), (_, _) => "Datumet kan inte vara före Giltigt från."),
        (MessageRegex(@"^At most (\d+) months after validFrom"),
            (match, _) => $"Intyget kan gälla högst {match.Groups[1].Value} månader från Giltigt från."),
        (MessageRegex("^The certificate would already have expired"), (_, _) => "Datumet har redan passerat: intyget skulle redan ha gått ut."),
        (MessageRegex("^Must fall within the validity period"), (_, _) => "Uppföljningen ska ligga mellan Giltigt från och Giltigt till."),
        (MessageRegex("^The care unit .* is required"), (_, _) => "Ange vårdenhetens namn och telefonnummer."),
        (MessageRegex("^Not a valid HSA-id"), (_, _) => "Din inloggning har inget giltigt HSA-id för vårdenheten."),
        (MessageRegex("^Not a phone number"), (_, _) => "Ange ett telefonnummer med siffror (mellanslag, -, + och parenteser går bra)."),
        (MessageRegex(@"^At most (\d+) school units"), (match, _) => $"Ange högst {match.Groups[1].Value} skolenheter."),
        (MessageRegex("^Not a school unit code"), (_, index) => $"Skolenhetskod nummer {index + 1} är inte en skolenhetskod (8 siffror)."),
    ];

    /// <summary>A message for the rules' errors that this table does not know yet: never English on a Swedish page.</summary>
    public const string Unknown = "Kontrollera uppgiften.";

    public static IReadOnlyList<FieldError> Translate(IReadOnlyDictionary<string, string[]> errors, string prefix = "Form") =>
        [.. errors.SelectMany(entry => entry.Value.Select(message => Translate(entry.Key, message, prefix)))];

    public static FieldError Translate(string path, string message, string prefix = "Form")
    {
        var index = Index(path);
        var pattern = IndexPattern().Replace(path, "[]");
        var (label, required) = Fields.TryGetValue(pattern, out var field) ? field : ("Uppgift", Unknown);
        label = label.Replace("{n}", (index + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var swedish = Unknown;
        foreach (var (english, translate) in Messages)
        {
            var match = english.Match(message);
            if (match.Success)
            {
                swedish = translate(match, index) is { Length: > 0 } text ? text : required;
                break;
            }
        }
        return new FieldError(FieldName(path, prefix), label, swedish);
    }

    /// <summary>
    /// The form field a JSON path belongs to: <c>measures[0].ifHarm</c> → <c>Form.Measures[0].IfHarm</c>. The school
    /// units are one field, and the care unit's HSA-id (taken from the sign-in) belongs to the care unit's group.
    /// </summary>
    public static string FieldName(string path, string prefix = "Form")
    {
        if (path.StartsWith("sharedWith", StringComparison.Ordinal))
        {
            path = "sharedWith";
        }
        else if (path == "careUnit.hsaId")
        {
            path = "careUnit";
        }
        var segments = path.Split('.').Select(segment => char.ToUpperInvariant(segment[0]) + segment[1..]);
        return string.IsNullOrEmpty(prefix) ? string.Join('.', segments) : $"{prefix}.{string.Join('.', segments)}";
    }

    /// <summary>The element id for a field name, as ASP.NET writes it: <c>Form.Measures[0].IfHarm</c> → <c>Form_Measures_0__IfHarm</c>.</summary>
    public static string Id(string fieldName) => fieldName.Replace('.', '_').Replace('[', '_').Replace(']', '_');

    private static int Index(string path)
    {
        var match = IndexPattern().Match(path);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static Regex MessageRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex IndexPattern();
}
