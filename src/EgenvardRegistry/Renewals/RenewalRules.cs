using System.Globalization;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Renewals;

/// <summary>What <see cref="RenewalRules"/> can find wrong with a worklist query or a follow-up.</summary>
public static class RenewalErrors
{
    public static readonly ErrorCode WithinDaysOutOfRange = new("within-days.out-of-range",
        $"An integer between {RenewalRules.MinWithinDays} and {RenewalRules.MaxWithinDays} (default {RenewalRules.DefaultWithinDays}).");
    public static readonly ErrorCode LimitOutOfRange = new("renewals.limit.out-of-range",
        $"An integer between 1 and {RenewalRules.MaxLimit} (default {RenewalRules.DefaultLimit}).");
    public static readonly ErrorCode OffsetOutOfRange = new("renewals.offset.out-of-range",
        "An integer, zero or more: the 'nextOffset' of the previous page.");

    public static readonly ErrorCode DoneOnRequired = new("follow-up.done-on.required", "Required: the date the follow-up was done.");
    public static readonly ErrorCode DoneOnInFuture = new("follow-up.done-on.future", "Cannot be later than today.");

    /// <summary>Argument: the certificate's issue date (yyyy-MM-dd).</summary>
    public static readonly ErrorCode DoneOnBeforeIssue =
        new("follow-up.done-on.before-issue", "Cannot be before the certificate was issued ({0}).");
}

/// <summary>
/// The renewal worklist's rules: which query is valid, how many days a certificate has left, what a follow-up must hold
/// and which follow-up counts. Pure, so they are tested without a database.
/// </summary>
public static class RenewalRules
{
    public const int DefaultWithinDays = 60;
    public const int MinWithinDays = 1;
    public const int MaxWithinDays = 400;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
    public const int MaxNoteLength = ConcernRules.MaxTextLength;

    /// <summary>Reads <c>withinDays</c>, <c>limit</c> and <c>offset</c> as query-string text; an empty value takes the default.</summary>
    public static RenewalQuery? Query(string? withinDays, string? limit, string? offset, ValidationErrors errors)
    {
        var within = Integer(withinDays, DefaultWithinDays, MinWithinDays, MaxWithinDays);
        var take = Integer(limit, DefaultLimit, 1, MaxLimit);
        var skip = Integer(offset, 0, 0, int.MaxValue);
        if (within is null)
        {
            errors.Add("withinDays", RenewalErrors.WithinDaysOutOfRange);
        }
        if (take is null)
        {
            errors.Add("limit", RenewalErrors.LimitOutOfRange);
        }
        if (skip is null)
        {
            errors.Add("offset", RenewalErrors.OffsetOutOfRange);
        }
        return within is { } w && take is { } t && skip is { } s ? new RenewalQuery(w, t, s) : null;
    }

    /// <summary>A follow-up with a date no later than today and an optional note (trimmed; blank is none).</summary>
    public static NewFollowUp? Validate(FollowUpRequest request, DateOnly today, ValidationErrors errors)
    {
        if (request.DoneOn is null)
        {
            errors.Add("doneOn", RenewalErrors.DoneOnRequired);
        }
        else if (request.DoneOn > today)
        {
            errors.Add("doneOn", RenewalErrors.DoneOnInFuture);
        }
        var note = Note(request.Note, errors);
        return errors.Any ? null : new NewFollowUp(request.DoneOn!.Value, note);
    }

    /// <summary>
    /// A follow-up counts for a certificate when it was done on or after the day the certificate was issued: one done
    /// for an earlier assessment does not follow up this one. The store refuses any other, so every follow-up recorded
    /// on a certificate counts.
    /// </summary>
    public static bool CountsFor(DateOnly doneOn, DateTimeOffset issuedAt) => doneOn >= IssueDate(issuedAt);

    /// <summary>The Stockholm date on which a certificate was issued (or renewed).</summary>
    public static DateOnly IssueDate(DateTimeOffset issuedAt) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(issuedAt, StockholmTime.Zone).DateTime);

    /// <summary>Adds the error for a follow-up dated before the certificate was issued; false then.</summary>
    public static bool CheckAgainstIssue(NewFollowUp followUp, Certificate certificate, ValidationErrors errors)
    {
        if (CountsFor(followUp.DoneOn, certificate.IssuedAt))
        {
            return true;
        }
        errors.Add("doneOn", RenewalErrors.DoneOnBeforeIssue,
            IssueDate(certificate.IssuedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return false;
    }

    /// <summary>Whole days from today to the certificate's last valid day (0 on that day).</summary>
    public static int DaysLeft(DateOnly validUntil, DateOnly today) => validUntil.DayNumber - today.DayNumber;

    /// <summary>Optional: absent or blank is no note.</summary>
    private static string? Note(string? value, ValidationErrors errors)
    {
        var problem = FreeText.Check(value, MaxNoteLength, multiLine: true, out var note);
        FreeText.Report(errors, "note", problem, MaxNoteLength, CertificateErrors.TooLong, multiLine: true);
        return problem == TextProblem.None ? note : null;
    }

    private static int? Integer(string? text, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : null;
    }
}
