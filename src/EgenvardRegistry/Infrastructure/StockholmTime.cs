namespace EgenvardRegistry.Infrastructure;

/// <summary>"Today" in the registry is the calendar date in Europe/Stockholm, whatever the server's zone.</summary>
public static class StockholmTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public static DateOnly TodayInStockholm(this TimeProvider time) => time.GetUtcNow().DateInStockholm();

    public static DateOnly DateInStockholm(this DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}
