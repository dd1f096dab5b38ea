using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Instructions;

/// <summary>A school's record that a staff member was instructed; everything nullable, so a missing field is a field error.</summary>
public sealed record InstructionRequest(string? StaffName, string? StaffRole, string? InstructedBy, DateOnly? InstructedOn);

/// <summary>A validated, trimmed instruction about to be recorded.</summary>
public sealed record NewInstruction(string StaffName, string StaffRole, string InstructedBy, DateOnly InstructedOn);

public static class InstructionErrors
{
    public static readonly ErrorCode StaffNameRequired = new("instruction.staff-name.required", "Required: the instructed staff member's name.");
    public static readonly ErrorCode StaffRoleRequired = new("instruction.staff-role.required", "Required: the staff member's role, e.g. elevassistent.");
    public static readonly ErrorCode InstructedByRequired = new("instruction.instructed-by.required", "Required: who gave the instruction.");
    public static readonly ErrorCode InstructedOnRequired = new("instruction.instructed-on.required", "Required: the date of the instruction.");
    public static readonly ErrorCode InstructedOnInFuture = new("instruction.instructed-on.future", "Cannot be later than today.");

    /// <summary>Argument: the longest text allowed.</summary>
    public static readonly ErrorCode TooLong = new("instruction.text.too-long", "At most {0} characters.");
}

/// <summary>What an instruction record must hold, and when a renewal keeps the staff instructed.</summary>
public static class InstructionRules
{
    public const int MaxNameLength = 200;
    public const int MaxRoleLength = 100;

    public static (NewInstruction? Instruction, ValidationErrors Errors) Validate(InstructionRequest request, DateOnly today)
    {
        var errors = new ValidationErrors();
        var name = Text(errors, "staffName", request.StaffName, MaxNameLength, InstructionErrors.StaffNameRequired);
        var role = Text(errors, "staffRole", request.StaffRole, MaxRoleLength, InstructionErrors.StaffRoleRequired);
        var instructedBy = Text(errors, "instructedBy", request.InstructedBy, MaxNameLength, InstructionErrors.InstructedByRequired);
        if (request.InstructedOn is null)
        {
            errors.Add("instructedOn", InstructionErrors.InstructedOnRequired);
        }
        else if (request.InstructedOn > today)
        {
            errors.Add("instructedOn", InstructionErrors.InstructedOnInFuture);
        }
        return errors.Any ? (null, errors) : (new NewInstruction(name!, role!, instructedBy!, request.InstructedOn!.Value), errors);
    }

    /// <summary>
    /// Staff instructed for one certificate are instructed for its renewal only if every measure is the same: the same
    /// codes and descriptions, performers, instructions and what to do if harm occurs or things change.
    /// </summary>
    public static bool MeasuresChanged(IReadOnlyList<Measure> before, IReadOnlyList<Measure> after) =>
        !before.OrderBy(SortKey, StringComparer.Ordinal).SequenceEqual(after.OrderBy(SortKey, StringComparer.Ordinal));

    // Every field, so the lists compare as sets whatever order the measures were written in.
    private static string SortKey(Measure measure) => string.Join('\u001f',
        measure.Code, measure.Description, measure.Performer, measure.Instructions, measure.IfHarm, measure.IfChanged);

    private static string? Text(ValidationErrors errors, string field, string? value, int maxLength, ErrorCode required) =>
        FreeText.Required(errors, field, value, maxLength, required, InstructionErrors.TooLong);
}
