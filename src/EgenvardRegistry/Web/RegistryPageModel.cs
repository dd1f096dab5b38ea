using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web;

/// <summary>A page behind one of the role folders: its signed-in <see cref="Caller"/> and today's Stockholm date.</summary>
public abstract class RegistryPageModel(TimeProvider time) : PageModel
{
    protected TimeProvider Time { get; } = time;

    public DateOnly Today => Time.TodayInStockholm();

    /// <summary>The folder's policy has already checked the role and its claims.</summary>
    protected Caller Caller => Caller.FromPrincipal(User, Today)
        ?? throw new InvalidOperationException("A role page was reached without a valid caller.");
}
