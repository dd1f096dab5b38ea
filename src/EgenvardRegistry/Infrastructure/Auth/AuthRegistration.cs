using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace EgenvardRegistry.Infrastructure.Auth;

public static class Policies
{
    public const string Clinician = Roles.Clinician;
    public const string School = Roles.School;
    public const string Guardian = Roles.Guardian;
    public const string Admin = Roles.Admin;

    /// <summary>Any of the four roles; the handler decides what the caller may see.</summary>
    public const string AnyRole = "any-role";
}

public static class AuthRegistration
{
    public static IServiceCollection AddRegistryAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, authOptions) => Configure(jwt, authOptions.Value));

        services.AddSingleton<IAuthorizationHandler, CallerRequirementHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Clinician, policy => policy.AddRequirements(new CallerRequirement(Roles.Clinician)))
            .AddPolicy(Policies.School, policy => policy.AddRequirements(new CallerRequirement(Roles.School)))
            .AddPolicy(Policies.Guardian, policy => policy.AddRequirements(new CallerRequirement(Roles.Guardian)))
            .AddPolicy(Policies.Admin, policy => policy.AddRequirements(new CallerRequirement(Roles.Admin)))
            .AddPolicy(Policies.AnyRole, policy => policy.AddRequirements(new CallerRequirement([.. Roles.All])));
        return services;
    }

    internal static void Configure(JwtBearerOptions jwt, AuthOptions options)
    {
        jwt.MapInboundClaims = false;
        jwt.Audience = options.Audience;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            NameClaimType = ClaimNames.Name,
            RoleClaimType = ClaimNames.Role,
        };
        if (!string.IsNullOrEmpty(options.SigningKey))
        {
            jwt.TokenValidationParameters.IssuerSigningKey = SigningKey(options);
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            // With no Auth:Issuer the issuer comes from the authority's metadata; it is always checked.
            jwt.Authority = options.Authority;
            jwt.TokenValidationParameters.ValidIssuer = string.IsNullOrEmpty(options.Issuer) ? null : options.Issuer;
        }
    }

    internal static SymmetricSecurityKey SigningKey(AuthOptions options) =>
        new(Encoding.UTF8.GetBytes(options.SigningKey!));
}

/// <summary>The caller has one of these roles and the claims that role needs (unit, HSA-id, personnummer).</summary>
public sealed class CallerRequirement(params string[] roles) : IAuthorizationRequirement
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

public sealed class CallerRequirementHandler(TimeProvider time) : AuthorizationHandler<CallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRequirement requirement)
    {
        var caller = Caller.FromPrincipal(context.User, time.TodayInStockholm());
        if (caller is not null && requirement.Roles.Contains(caller.Role))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
