using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Reminders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Web.Pages.Paminnelser;

/// <summary>
/// The signed one-click link in every reminder, <c>/reminders/unsubscribe?token=…</c>: GET asks for confirmation and
/// changes nothing (mail scanners open links), POST turns that guardian's reminders off (RFC 8058). Nobody signs in:
/// the token's signature is the authority, and it can do nothing else. A wrong or altered token is 400.
/// </summary>
// RFC 8058: the mail client POSTs List-Unsubscribe=One-Click by itself, with no anti-forgery token to send; the signed
// token in the link is what proves the request, and all it can do is stop mail.
[IgnoreAntiforgeryToken]
[EnableRateLimiting(RateLimits.LookupPosts)]
public sealed class StangAvModel(IOptions<ReminderOptions> options, ReminderAdminStore store) : PageModel
{
    public enum Stage
    {
        Confirm,
        TurnedOff,
        InvalidLink,
    }

    public Stage Shown { get; private set; }

    /// <summary>The link's token, for the confirmation form to post back.</summary>
    public string? Token { get; private set; }

    public IActionResult OnGet(string? token)
    {
        if (!UnsubscribeLinks.From(options.Value).TryRead(token, out _))
        {
            return InvalidLink();
        }
        Token = token;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        if (!UnsubscribeLinks.From(options.Value).TryRead(token, out var guardianId))
        {
            return InvalidLink();
        }
        await store.TurnRemindersOffAsync(guardianId, cancellationToken);
        Shown = Stage.TurnedOff;
        return Page();
    }

    private PageResult InvalidLink()
    {
        Shown = Stage.InvalidLink;
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
