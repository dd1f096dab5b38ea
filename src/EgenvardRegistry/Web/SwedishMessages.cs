using System.Globalization;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Guardians;
using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Instructions;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Renewals;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Schools;
using EgenvardRegistry.Units;
using EgenvardRegistry.Web.Pages.Vard;

namespace EgenvardRegistry.Web;

/// <summary>
/// What each validation error says on a page: one Swedish text per <see cref="ErrorCode"/>, a composite format string
/// for the error's arguments as the English is. The error summary puts the field's label before it.
/// </summary>
public static class SwedishMessages
{
    public static readonly IReadOnlyDictionary<ErrorCode, string> Texts = new Dictionary<ErrorCode, string>
    {
        [Personnummer.Invalid] = "Ange ett giltigt personnummer eller samordningsnummer, till exempel 20150312-2382.",
        [MailAddresses.InvalidEmail] = "Ange en giltig e-postadress, till exempel namn@example.se.",
        [MeasureCatalogue.Unknown] = "Välj vilken åtgärd det gäller.",
        [Performers.Unknown] = "Välj vem som utför åtgärden.",
        [Signing.SigningErrors.PayloadRequired] = "Klistra in texten från QR-koden (den börjar med EGV1:).",

        [CertificateErrors.ChildPersonnummerRequired] = "Ange barnets personnummer.",
        [CertificateErrors.ChildNameRequired] = "Ange barnets namn.",
        [CertificateErrors.GuardiansRequired] = "Ange minst en vårdnadshavare.",
        [CertificateErrors.TooManyGuardians] = $"Ange högst {CertificateRules.MaxGuardians} vårdnadshavare.",
        [CertificateErrors.GuardianMissing] = "Ange vårdnadshavaren.",
        [CertificateErrors.GuardianPersonnummerRequired] = "Ange vårdnadshavarens personnummer.",
        [CertificateErrors.GuardianNameRequired] = "Ange vårdnadshavarens namn.",
        [CertificateErrors.GuardianIsChild] = "Vårdnadshavaren kan inte ha samma personnummer som barnet.",
        [CertificateErrors.GuardianTwice] = "Samma vårdnadshavare står två gånger.",
        [CertificateErrors.MeasuresRequired] = "Lägg till minst en åtgärd.",
        [CertificateErrors.TooManyMeasures] = $"Ange högst {CertificateRules.MaxMeasures} åtgärder.",
        [CertificateErrors.MeasureMissing] = "Fyll i åtgärden.",
        [CertificateErrors.MeasureCodeRequired] = "Välj åtgärd.",
        [CertificateErrors.MeasureTwice] = "Samma åtgärd står två gånger; beskriv allt om den under en åtgärd.",
        [CertificateErrors.OtherMeasureUndescribed] = "Beskriv åtgärden när du har valt Annan åtgärd.",
        [CertificateErrors.InstructionsRequired] = "Beskriv hur åtgärden utförs.",
        [CertificateErrors.IfHarmRequired] = "Ange vad som ska göras, och vem som ska kontaktas, vid skada eller risk för skada.",
        [CertificateErrors.IfChangedRequired] = "Ange vad som ska göras, och vem som ska kontaktas, om förhållandena ändras.",
        [CertificateErrors.InstructionGivenByRequired] = "Ange hur information och instruktion ges.",
        [CertificateErrors.TooLong] = "Skriv högst {0} tecken.",
        [CertificateErrors.ValidFromRequired] = "Ange från vilket datum intyget gäller.",
        [CertificateErrors.ValidUntilRequired] = "Ange när bedömningen ska omprövas.",
        [CertificateErrors.FollowUpOnRequired] = "Ange när uppföljningen sker.",
        [CertificateErrors.ValidUntilBeforeValidFrom] = "Datumet kan inte vara före Giltigt från.",
        [CertificateErrors.ValidFromTooFarAhead] = $"Giltigt från får ligga högst {CertificateRules.MaxStartMonthsAhead} månader fram i tiden.",
        [CertificateErrors.ValidityTooLong] = $"Intyget kan gälla högst {CertificateRules.MaxValidityMonths} månader från Giltigt från.",
        [CertificateErrors.AlreadyExpired] = "Datumet har redan passerat: intyget skulle redan ha gått ut.",
        [CertificateErrors.FollowUpOutsideValidity] = "Uppföljningen ska ligga mellan Giltigt från och Giltigt till.",
        [CertificateErrors.CareUnitRequired] = "Ange vårdenhetens namn och telefonnummer.",
        [CertificateErrors.CareUnitHsaIdRequired] = "Din inloggning saknar vårdenhetens HSA-id.",
        [CertificateErrors.NotAnHsaId] = "Din inloggning har inget giltigt HSA-id för vårdenheten.",
        [CertificateErrors.CareUnitNameRequired] = "Ange vårdenhetens namn.",
        [CertificateErrors.CareUnitPhoneRequired] = "Ange vårdenhetens telefonnummer: skolan ringer det när egenvården inte fungerar.",
        [CertificateErrors.NotAPhoneNumber] = "Ange ett telefonnummer med siffror (mellanslag, -, + och parenteser går bra).",
        [CertificateErrors.TooManySchoolUnits] = $"Ange högst {CertificateRules.MaxSharedWith} förskolor och skolor.",
        [CertificateErrors.NotASchoolUnit] = "Enhet nummer {0} är varken en skolenhetskod (8 siffror) eller en förskolas id (F och 7 tecken).",
        [CertificateErrors.RevocationReasonRequired] = "Ange varför intyget återkallas.",
        [CertificateErrors.RevocationReasonTooLong] = "Skriv högst {0} tecken.",
        [CertificateErrors.CareRelationshipBlank] = "Beskriv din vårdrelation med barnet (högst {0} tecken).",
        [CertificateErrors.CareRelationshipTooLong] = "Skriv högst {0} tecken.",
        [CertificateForm.NotADate] = "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-08-14.",

        [InstructionErrors.StaffNameRequired] = "Ange namnet på den som har fått instruktion.",
        [InstructionErrors.StaffRoleRequired] = "Ange personens roll, till exempel elevassistent.",
        [InstructionErrors.InstructedByRequired] = "Ange vem som gav instruktionen.",
        [InstructionErrors.InstructedOnRequired] = "Ange datum för instruktionen.",
        [InstructionErrors.InstructedOnInFuture] = "Datumet kan inte vara senare än i dag.",
        [InstructionErrors.TooLong] = "Skriv högst {0} tecken.",

        [AuditEndpoints.NotACertificateId] = "Ange intygets id, till exempel 3f2504e0-4f89-41d3-9a0c-0305e82c3301.",
        [AuditEndpoints.NotAnInstant] = $"Ange en tidpunkt med tidszon, till exempel {Instants.Example}.",
        [AuditEndpoints.ToNotAfterFrom] = "Sluttiden ska vara senare än starttiden.",
        [PageRequest.InvalidLimit] = $"Ange ett heltal mellan 1 och {PageRequest.MaxLimit}.",
        [PageRequest.InvalidBefore] = "Ange var sidan börjar: värdet next från föregående sida.",
        [SchoolEndpoints.ExpiringWithinDaysOutOfRange] = $"Ange ett antal dagar mellan 0 och {SchoolEndpoints.MaxExpiringWithinDays}.",
        [GuardianEndpoints.RemindersEnabledRequired] = "Ange om påminnelser ska skickas.",
        [GuardianEndpoints.SuggestedEmailRequired] = "Ange den e-postadress som vården föreslog.",
        [ReminderEndpoints.UnknownStatus] = "Välj en status i listan.",
        [ReminderEndpoints.LimitOutOfRange] = $"Ange ett heltal mellan 1 och {ReminderEndpoints.MaxLimit}.",
        [ReminderEndpoints.NegativeOffset] = "Ange noll eller ett större heltal.",
        [BadRequestExceptionHandler.NotJson] = "Inte giltig JSON här, eller ett värde av fel typ.",

        [ConcernErrors.CategoryRequired] = "Välj vad det gäller.",
        [ConcernErrors.CategoryUnknown] = "Välj vad det gäller i listan.",
        [ConcernErrors.DescriptionRequired] = "Beskriv vad som har hänt eller vad som inte fungerar.",
        [ConcernErrors.GuardiansInformedRequired] = "Ange om vårdnadshavarna har fått veta.",
        [FreeText.UnreadableCharacters] = "Texten innehåller tecken som inte kan sparas. Skriv vanlig text; radbrytningar går bra.",
        [FreeText.LineBreakOrControlCharacter] = "Skriv på en rad, utan radbrytningar eller andra styrtecken.",
        [ConcernErrors.AnswerTextRequired] = "Skriv vårdenhetens svar till skolan.",
        [ConcernErrors.ReassessmentPassed] = "Datumet för den nya bedömningen har redan passerat.",
        [ConcernErrors.ReassessmentTooLate] = $"Ange ett datum inom {ConcernRules.MaxReassessmentMonths} månader från i dag.",
        [ConcernErrors.StatusUnknown] = "Välj öppna eller besvarade ärenden.",

        [RenewalErrors.WithinDaysOutOfRange] =
            $"Välj hur många dagar fram, {RenewalRules.MinWithinDays}–{RenewalRules.MaxWithinDays}.",
        [RenewalErrors.LimitOutOfRange] = $"Ange hur många intyg som ska visas, 1–{RenewalRules.MaxLimit}.",
        [RenewalErrors.OffsetOutOfRange] = "Ange var listan ska fortsätta, 0 eller mer.",
        [RenewalErrors.DoneOnRequired] = "Ange datum för uppföljningen.",
        [RenewalErrors.DoneOnInFuture] = "Datumet kan inte vara senare än i dag.",
        [RenewalErrors.DoneOnBeforeIssue] = "Datumet kan inte vara före den dag intyget utfärdades ({0}).",
        [UnitErrors.UnitRequired] = "Ange förskolan eller skolan.",
        [UnitErrors.NotAUnitId] = "Ange enhetens namn, eller en skolenhetskod (8 siffror) eller en förskolas id (F och 7 tecken).",
        [UnitErrors.NotInDirectory] = "Enheten finns inte i enhetsregistret. Skriv namnet och välj bland träffarna.",
        [UnitErrors.NoUnitByThatName] = "Ingen förskola eller skola i enhetsregistret heter så. Skriv en del av namnet eller kommunen.",
        [UnitErrors.PickOne] = "Välj vilken enhet du menar bland träffarna nedanför fältet.",
        [UnitErrors.QueryTooLong] = "Skriv högst {0} tecken.",
        [UnitErrors.LimitOutOfRange] = "Ange ett heltal mellan 1 och {0}.",
        [UnitErrors.FileEmpty] = "Filen är tom: den behöver en rubrikrad och en rad per enhet.",
        [UnitErrors.FileHasNoUnits] = "Filen har en rubrikrad men inga enheter.",
        [UnitErrors.FileTooLong] = "Högst {0} enheter i en fil.",
        [UnitErrors.MoreErrors] = "De första {0} felen visas; det finns fler.",
        [UnitErrors.ColumnMissing] = "Rubrikraden saknar kolumnen {0}.",
        [UnitErrors.ColumnUnknown] = "Okänd kolumn '{0}'. Kolumnerna är id, name, kind, municipality, organiser och (valfritt) contactEmail.",
        [UnitErrors.ColumnTwice] = "Kolumnen {0} står två gånger.",
        [UnitErrors.NotUtf8] = "Raden är inte UTF-8-text.",
        [UnitErrors.QuoteMisplaced] = "Ett citerat värde avslutas inte på raden, eller text följer efter det avslutande citattecknet.",
        [UnitErrors.WrongValueCount] = "Raden ska ha {0} värden, som rubrikraden, men har {1}.",
        [UnitErrors.IdTwice] = "Samma id som på rad {0}.",
        [UnitErrors.ValueRequired] = "Värdet saknas.",
        [UnitErrors.ValueTooLong] = "Högst {0} tecken.",
        [UnitErrors.KindUnknown] = "Ange forskola, skola eller fritidshem.",
        [UnitErrors.KindDoesNotFitId] = "En förskolas id (F…) hör till en förskola, och en förskola har ett sådant id; en skolenhetskod är en skola eller ett fritidshem.",
        [RequestErrors.ChildNameRequired] = "Ange barnets namn. Förnamnet står i e-postmeddelandet till vårdnadshavarna.",
        [RequestErrors.MeasuresRequired] = "Välj minst en åtgärd som skolan har fått veta att barnet behöver.",
        [RequestErrors.TooManyMeasures] = $"Välj högst {RequestRules.MaxMeasures} åtgärder.",
        [RequestErrors.MessageWithPersonnummer] =
            "Skriv inget personnummer i meddelandet: det skickas med e-post till vårdnadshavarna.",
        [RequestErrors.GuardianEmailRequired] = "Ange vårdnadshavarens e-postadress.",
        [RequestErrors.GuardianEmailTwice] = "Samma e-postadress står två gånger.",
        [RequestErrors.GuardiansUnknown] =
            "Registret har ingen e-postadress till barnets vårdnadshavare. Ange minst en vårdnadshavares namn och e-postadress.",
        [RequestErrors.StatusUnknown] = "Välj en status i listan.",
        [RequestErrors.AnswersUnknownRequest] = "Begäran finns inte.",
        [RequestErrors.AnswersClosedRequest] =
            "Begäran är inte längre öppen (besvarad, tillbakadragen eller upphörd). Intyget utfärdades inte.",
        [RequestErrors.AnswersOtherChild] = "Begäran gäller ett annat barn. Intyget utfärdades inte.",
    };

    /// <summary>For a code the table lacks (a test fails then): never English on a Swedish page.</summary>
    public const string Unknown = "Kontrollera uppgiften.";

    public static string For(ValidationError error) =>
        Texts.TryGetValue(error.Code, out var text) ? string.Format(CultureInfo.InvariantCulture, text, [.. error.Arguments]) : Unknown;
}
