namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Waits for something another thread does (a scheduled job, a mail server) by looking every 50 ms until it holds or
/// the patience runs out; then the test fails, naming what it waited for and what it saw last.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Task Until(Func<bool> condition, string what) =>
        Until(() => Task.FromResult(condition()), holds => holds, what);

    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Waited {Patience} for {what}; last seen: {value}");
            }
        }
    }
}
