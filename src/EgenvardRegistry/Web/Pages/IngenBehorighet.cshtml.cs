using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Web.Pages;

/// <summary>
/// Where a refusal lands. Someone signed in whose claims give no role in the registry (an identity provider's token with
/// an unknown or missing role, or a role without its unit) is told so, rather than sent to sign in again in a loop.
/// </summary>
public sealed class IngenBehorighetModel(TimeProvider time) : RegistryPageModel(time)
{
    public bool SignedInWithoutRole => User.Identity?.IsAuthenticated == true && Caller.FromPrincipal(User, Today) is null;
}
