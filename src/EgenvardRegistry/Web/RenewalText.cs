using System.Globalization;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Renewals;

namespace EgenvardRegistry.Web;

/// <summary>How the renewal worklist says things in Swedish: days left, reminders sent, open concerns.</summary>
public static class RenewalText
{
    // Short month names for a list where the year is mostly this one: "14 nov".
    private static readonly string[] Months = ["jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"];

    /// <summary>"Går ut i dag", "Går ut i morgon", "Går ut om 12 dagar". Expired certificates are not on the list.</summary>
    public static string DaysLeft(int days) => days switch
    {
        <= 0 => "Går ut i dag",
        1 => "Går ut i morgon",
        _ => $"Går ut om {days} dagar",
    };

    /// <summary>"Påminnelse skickad 30 dagar före, 14 nov" (to two guardians: "…, 14 nov, till 2 vårdnadshavare").</summary>
    public static string Reminder(SentReminder reminder, DateOnly today)
    {
        var when = reminder.DaysBefore == 0 ? "samma dag som intyget går ut" : $"{reminder.DaysBefore} dagar före";
        var to = reminder.Recipients > 1 ? $", till {reminder.Recipients} vårdnadshavare" : "";
        return $"Påminnelse skickad {when}, {ShortDate(reminder.SentAt, today)}{to}";
    }

    /// <summary>"1 öppet ärende", "3 öppna ärenden".</summary>
    public static string OpenConcerns(int count) => count == 1 ? "1 öppet ärende" : $"{count} öppna ärenden";

    public static string OpenRequests(int count) =>
        count == 1 ? "1 skola har begärt intyg för barnet" : $"{count} skolor har begärt intyg för barnet";

    /// <summary>An instant's Stockholm date as "14 nov", with the year when it is not this year's: "28 dec 2025".</summary>
    public static string ShortDate(DateTimeOffset instant, DateOnly today)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, StockholmTime.Zone).DateTime);
        var text = string.Create(CultureInfo.InvariantCulture, $"{date.Day} {Months[date.Month - 1]}");
        return date.Year == today.Year ? text : string.Create(CultureInfo.InvariantCulture, $"{text} {date.Year}");
    }
}
