using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Certificates;

/// <summary>Who may read a certificate. Anyone else gets the same answer as for a certificate that does not exist.</summary>
public static class CertificateAccess
{
    public static bool CanRead(Caller caller, Certificate certificate) => caller.Role switch
    {
        Roles.Admin => true,
        Roles.Clinician => caller.CareUnit == certificate.CareUnit.HsaId,
        Roles.School => certificate.SharedWith.Contains(caller.SchoolUnit),
        Roles.Guardian => certificate.Guardians.Any(guardian => guardian.Personnummer == caller.Personnummer),
        _ => false,
    };
}
