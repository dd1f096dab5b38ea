namespace EgenvardRegistry.Infrastructure;

/// <summary>"Today" in the registry is the calendar date in Europe/Stockholm, whatever the server's zone.</summary>
public static class StockholmTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public static DateOnly TodayInStockholm(this TimeProvider time) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);
}
