using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web.Pages;

public sealed class IndexModel : PageModel
{
    public string Home => WebRegistration.HomeFor(User.FindFirst(ClaimNames.Role)?.Value ?? "");
}
