using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Every measurement that the meters of one host record while this is open: the registry's own and ASP.NET Core's, all
/// made through the host's <see cref="IMeterFactory"/>. Meters of other hosts in the same process, which share the
/// registry's meter name, are left out.
/// </summary>
public sealed class RecordedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public RecordedMetrics(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public sealed record Measurement(string Meter, string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);

    public IReadOnlyList<Measurement> All => [.. _measurements];

    public IReadOnlyList<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var byKey = new Dictionary<string, string?>();
        foreach (var (key, tagValue) in tags)
        {
            byKey[key] = Convert.ToString(tagValue, CultureInfo.InvariantCulture);
        }
        _measurements.Enqueue(new Measurement(instrument.Meter.Name, instrument.Name, value, byKey));
    }
}
