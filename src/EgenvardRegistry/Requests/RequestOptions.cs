using System.ComponentModel.DataAnnotations;

namespace EgenvardRegistry.Requests;

/// <summary>How long a certificate request stays open (<c>Requests:*</c>).</summary>
public sealed class RequestOptions : IValidatableObject
{
    public const string Section = "Requests";

    public const int MaxExpireAfterDays = 365;

    /// <summary>Days a request stays open; on the day after the last, it has lapsed (expired).</summary>
    public int ExpireAfterDays { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExpireAfterDays is < 1 or > MaxExpireAfterDays)
        {
            yield return new ValidationResult(
                $"Requests:ExpireAfterDays must be a whole number of days from 1 to {MaxExpireAfterDays}, not {ExpireAfterDays}.",
                [nameof(ExpireAfterDays)]);
        }
    }
}
