using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web.Pages;

public sealed class IndexModel(TimeProvider time) : PageModel
{
    /// <summary>The signed-in person's page; for one whose claims give no role, the page that says so.</summary>
    public string Home => Caller.FromPrincipal(User, time.TodayInStockholm()) is { } caller
        ? WebRegistration.HomeFor(caller.Role)
        : "/ingen-behorighet";
}
