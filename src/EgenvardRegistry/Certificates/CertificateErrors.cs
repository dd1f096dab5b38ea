using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Certificates;

/// <summary>What <see cref="CertificateRules"/> can find wrong with a certificate or a revocation.</summary>
public static class CertificateErrors
{
    public static readonly ErrorCode ChildPersonnummerRequired = Required("child.personnummer.required");
    public static readonly ErrorCode ChildNameRequired = Required("child.name.required");

    public static readonly ErrorCode GuardiansRequired = new("guardians.required", "At least one guardian is required.");
    public static readonly ErrorCode TooManyGuardians = new("guardians.too-many", $"At most {CertificateRules.MaxGuardians} guardians.");
    public static readonly ErrorCode GuardianMissing = new("guardian.missing", "A guardian is required here.");
    public static readonly ErrorCode GuardianPersonnummerRequired = Required("guardian.personnummer.required");
    public static readonly ErrorCode GuardianNameRequired = Required("guardian.name.required");
    public static readonly ErrorCode GuardianIsChild = new("guardian.is-child", "A guardian cannot be the child.");
    public static readonly ErrorCode GuardianTwice = new("guardian.twice", "The same guardian is listed twice.");

    public static readonly ErrorCode MeasuresRequired = new("measures.required", "At least one measure is required.");
    public static readonly ErrorCode TooManyMeasures = new("measures.too-many", $"At most {CertificateRules.MaxMeasures} measures.");
    public static readonly ErrorCode MeasureMissing = new("measure.missing", "A measure is required here.");
    public static readonly ErrorCode MeasureCodeRequired = Required("measure.code.required");
    public static readonly ErrorCode MeasureTwice = new("measure.twice", "The same measure is listed twice.");
    public static readonly ErrorCode OtherMeasureUndescribed = new("measure.description.required", "Describe the measure when the code is 'other'.");
    public static readonly ErrorCode InstructionsRequired = Required("measure.instructions.required");
    public static readonly ErrorCode IfHarmRequired =
        new("measure.if-harm.required", "Say what to do, and whom to contact, if harm or risk of harm occurs.");
    public static readonly ErrorCode IfChangedRequired =
        new("measure.if-changed.required", "Say what to do, and whom to contact, if the situation changes.");

    public static readonly ErrorCode InstructionGivenByRequired = Required("instruction-given-by.required");

    /// <summary>Argument: the longest text allowed.</summary>
    public static readonly ErrorCode TooLong = new("text.too-long", "At most {0} characters.");

    public static readonly ErrorCode ValidFromRequired = Required("valid-from.required");
    public static readonly ErrorCode ValidUntilRequired = new("valid-until.required", "Required: when the assessment is reconsidered.");
    public static readonly ErrorCode FollowUpOnRequired = new("follow-up-on.required", "Required: when follow-up happens.");
    public static readonly ErrorCode ValidFromTooFarAhead =
        new("valid-from.too-late", $"At most {CertificateRules.MaxStartMonthsAhead} months from today.");
    public static readonly ErrorCode ValidUntilBeforeValidFrom = new("valid-until.before-valid-from", "Must not be before validFrom.");
    public static readonly ErrorCode ValidityTooLong =
        new("valid-until.too-late", $"At most {CertificateRules.MaxValidityMonths} months after validFrom.");
    public static readonly ErrorCode AlreadyExpired = new("valid-until.passed", "The certificate would already have expired.");
    public static readonly ErrorCode FollowUpOutsideValidity =
        new("follow-up-on.outside-validity", "Must fall within the validity period (validFrom to validUntil).");

    public static readonly ErrorCode CareUnitRequired =
        new("care-unit.required", "The care unit (the school's contact when the egenvård does not work) is required.");
    public static readonly ErrorCode CareUnitHsaIdRequired = Required("care-unit.hsa-id.required");
    public static readonly ErrorCode NotAnHsaId = new("care-unit.hsa-id.invalid", "Not a valid HSA-id (SE + 10 digits + '-' + letters or digits).");
    public static readonly ErrorCode CareUnitNameRequired = Required("care-unit.name.required");
    public static readonly ErrorCode CareUnitPhoneRequired =
        new("care-unit.phone.required", "Required: the school calls this number when the egenvård does not work.");
    public static readonly ErrorCode NotAPhoneNumber = new("care-unit.phone.invalid", "Not a phone number (digits, spaces, '-', '+', parentheses).");

    public static readonly ErrorCode TooManySchoolUnits = new("shared-with.too-many", $"At most {CertificateRules.MaxSharedWith} units.");

    /// <summary>Argument: the unit's position in the list, counted from 1.</summary>
    public static readonly ErrorCode NotASchoolUnit = new("shared-with.invalid",
        "Not a unit id: a skolenhetskod (8 digits) or a preschool id (F, the 4-digit municipality code and 3 digits or capital letters).");

    // One English sentence has always answered both; the pages tell the two apart. Argument: the longest reason allowed.
    public static readonly ErrorCode RevocationReasonRequired =
        new("revocation.reason.required", "Say why the certificate is revoked (at most {0} characters).");
    public static readonly ErrorCode RevocationReasonTooLong =
        new("revocation.reason.too-long", "Say why the certificate is revoked (at most {0} characters).");

    // Argument: the longest statement allowed.
    public static readonly ErrorCode CareRelationshipBlank = new("care-relationship.blank",
        "State your care relationship with the child (at most {0} characters), or leave the field out to see other care units' certificates as summaries.");
    public static readonly ErrorCode CareRelationshipTooLong = new("care-relationship.too-long", "At most {0} characters.");

    private static ErrorCode Required(string name) => new(name, "Required.");
}
