using System.Globalization;

namespace EgenvardRegistry.Infrastructure;

/// <summary>
/// Keyset paging over rows whose ids grow with time, newest first: at most <see cref="Limit"/> rows with an id
/// below <see cref="Before"/>. Rows added while a reader pages never shift the pages it has not read yet.
/// </summary>
public sealed record PageRequest(int Limit, long? Before)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static readonly ErrorCode InvalidLimit = new("page.limit.invalid", $"An integer between 1 and {MaxLimit} (default {DefaultLimit}).");
    public static readonly ErrorCode InvalidBefore = new("page.before.invalid", "A positive integer: the 'next' value of the previous page.");

    /// <summary>Rows to fetch: one more than the page, to know whether another page follows.</summary>
    public int Take => Limit + 1;

    /// <summary>Reads <c>limit</c> and <c>before</c> as query-string text; an empty value counts as absent.</summary>
    public static PageRequest? FromQuery(string? limit, string? before, ValidationErrors errors)
    {
        var limitRead = TryRead(limit, out var limitValue);
        if (!limitRead)
        {
            errors.Add("limit", InvalidLimit);
        }
        var beforeRead = TryRead(before, out var beforeValue);
        if (!beforeRead)
        {
            errors.Add("before", InvalidBefore);
        }
        var request = From(limitValue is { } l ? (int)Math.Min(l, int.MaxValue) : null, beforeValue, errors);
        return limitRead && beforeRead ? request : null;
    }

    /// <returns>The request, or null when a value is out of range (each such value adds its field error).</returns>
    public static PageRequest? From(int? limit, long? before, ValidationErrors errors)
    {
        var valid = true;
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", InvalidLimit);
            valid = false;
        }
        if (before is < 1)
        {
            errors.Add("before", InvalidBefore);
            valid = false;
        }
        return valid ? new PageRequest(limit ?? DefaultLimit, before) : null;
    }

    private static bool TryRead(string? text, out long? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }
        value = parsed;
        return true;
    }
}

/// <summary>One page of a list, newest first. <c>next</c> is the <c>before</c> that fetches the following page; null on the last.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, long? Next)
{
    public static readonly PageResponse<T> Empty = new([], null);
}

public static class PageResponse
{
    /// <summary>Cuts rows fetched with <see cref="PageRequest.Take"/> down to the page, and says where the next one starts.</summary>
    public static PageResponse<T> From<TRow, T>(IReadOnlyList<TRow> rows, PageRequest request, Func<TRow, long> id, Func<TRow, T> map)
    {
        var items = rows.Take(request.Limit).ToList();
        long? next = rows.Count > request.Limit ? id(items[^1]) : null;
        return new PageResponse<T>(items.Select(map).ToList(), next);
    }
}
