using System.Text;

namespace EgenvardRegistry.Infrastructure;

/// <summary>
/// What people type — names, reasons, instructions — as the registry keeps it: trimmed, in Unicode NFC (so "å" typed
/// two ways is one text), and without control characters, which no person means to type and which break e-mail headers
/// (<c>"Sara\r\nBcc: …"</c>), logs and PostgreSQL (NUL). A name or other one-line text takes no line break at all; a
/// multi-line text keeps line breaks (as <c>\n</c>) and tabs.
/// </summary>
public static class FreeText
{
    public static readonly ErrorCode LineBreakOrControlCharacter =
        new("text.control-characters", "Contains line breaks or control characters; write it on one line.");

    /// <summary>A multi-line text holds control characters other than line breaks and tabs, or broken UTF-16.</summary>
    public static readonly ErrorCode UnreadableCharacters =
        new("text.unreadable-characters", "Contains control characters or invalid Unicode; only text, line breaks and tabs.");

    /// <summary>
    /// A text that must be given: the text as kept, or null after reporting <paramref name="required"/> (absent or
    /// blank), the character error, or <paramref name="tooLong"/> (with <paramref name="maxLength"/> as its argument).
    /// </summary>
    public static string? Required(ValidationErrors errors, string field, string? value, int maxLength, ErrorCode required,
        ErrorCode tooLong, bool multiLine = false)
    {
        var problem = Check(value, maxLength, multiLine, out var text);
        if (problem == TextProblem.Blank)
        {
            errors.Add(field, required);
        }
        else if (problem != TextProblem.None)
        {
            Report(errors, field, problem, maxLength, tooLong, multiLine);
        }
        return problem == TextProblem.None ? text : null;
    }

    /// <summary>
    /// What is wrong with a text, if anything, and the text as kept: trimmed, line breaks as <c>\n</c> when
    /// <paramref name="multiLine"/>, NFC. Blank covers absent.
    /// </summary>
    public static TextProblem Check(string? value, int maxLength, bool multiLine, out string text)
    {
        text = (multiLine ? value?.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : value)?.Trim() ?? "";
        if (text.Length == 0)
        {
            return TextProblem.Blank;
        }
        if (!IsReadable(text, multiLine))
        {
            return TextProblem.Unreadable;
        }
        text = text.Normalize(NormalizationForm.FormC);
        return text.Length > maxLength ? TextProblem.TooLong : TextProblem.None;
    }

    /// <summary>Reports an <see cref="TextProblem.Unreadable"/> or <see cref="TextProblem.TooLong"/> text.</summary>
    public static void Report(ValidationErrors errors, string field, TextProblem problem, int maxLength, ErrorCode tooLong, bool multiLine)
    {
        if (problem == TextProblem.Unreadable)
        {
            errors.Add(field, multiLine ? UnreadableCharacters : LineBreakOrControlCharacter);
        }
        else if (problem == TextProblem.TooLong)
        {
            errors.Add(field, tooLong, maxLength);
        }
    }

    private static bool IsReadable(string text, bool multiLine)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var character = text[i];
            if (char.IsHighSurrogate(character) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(character) || character is '\u2028' or '\u2029'
                     || (char.IsControl(character) && !(multiLine && character is '\n' or '\t')))
            {
                return false;
            }
        }
        return true;
    }
}

public enum TextProblem
{
    None,
    Blank,
    Unreadable,
    TooLong,
}
