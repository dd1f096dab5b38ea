using EgenvardRegistry.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The tests' clock: a <see cref="FakeTimeProvider"/> in Europe/Stockholm that starts at <see cref="Reference"/>, and
/// the two readings of it the registry's rules are written in (the Stockholm date, a Stockholm wall-clock time).
/// </summary>
public static class TestClock
{
    /// <summary>The instant every test starts at: 09:00 in Stockholm on Monday 23 November 2026.</summary>
    public static readonly DateTimeOffset Reference = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create()
    {
        var clock = new FakeTimeProvider(Reference);
        clock.SetLocalTimeZone(StockholmTime.Zone);
        return clock;
    }

    extension(FakeTimeProvider clock)
    {
        /// <summary>Today in Stockholm, the registry's "today".</summary>
        public DateOnly Today => clock.TodayInStockholm();

        /// <summary>Moves the clock forward to a wall-clock time in Stockholm.</summary>
        public void SetStockholm(DateTime local) =>
            clock.SetUtcNow(new DateTimeOffset(local, StockholmTime.Zone.GetUtcOffset(local)));

        /// <summary>
        /// Puts a shared host's clock back to <see cref="Reference"/> before the next test. <c>SetUtcNow</c> only moves
        /// forward (it fires the timers it passes) and the previous test may have moved the clock days ahead;
        /// <c>AdjustTime</c> may go back, like a system clock being set, and leaves timers alone.
        /// </summary>
        public void ReturnToReference() => clock.AdjustTime(Reference);
    }
}
