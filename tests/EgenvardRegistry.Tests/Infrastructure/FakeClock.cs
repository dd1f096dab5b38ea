using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>A <see cref="TimeProvider"/> the tests move by hand (the testing package is not in the feed).</summary>
public sealed class FakeClock : TimeProvider
{
    /// <summary>09:00 in Stockholm on the project's reference day.</summary>
    public static readonly DateTimeOffset Default = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now = Default;

    public override DateTimeOffset GetUtcNow() => _now;

    public override TimeZoneInfo LocalTimeZone => StockholmTime.Zone;

    public void Set(DateTimeOffset now) => _now = now.ToUniversalTime();

    /// <summary>Sets the clock to a wall-clock time in Stockholm.</summary>
    public void SetStockholm(DateTime localTime) =>
        _now = new DateTimeOffset(localTime, StockholmTime.Zone.GetUtcOffset(localTime)).ToUniversalTime();

    public void Advance(TimeSpan by) => _now += by;

    public DateOnly Today => this.TodayInStockholm();
}
