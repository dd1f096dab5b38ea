using EgenvardRegistry.Shares;

namespace EgenvardRegistry.Web;

/// <summary>How the pages say a consent event in Swedish: what changed, and on whose word.</summary>
public static class ShareText
{
    public static string Change(string change) => change == ConsentChanges.Withdraw ? "Slutade se intyget" : "Fick se intyget";

    public static string By(ConsentEvent consent) => consent.Basis switch
    {
        ConsentBases.Guardian => $"{consent.ActorName}, vårdnadshavare",
        ConsentBases.AtGuardiansRequest => $"{consent.ActorName}, vården, på vårdnadshavarens begäran",
        ConsentBases.CarriedOver => $"{consent.ActorName}, vården: fördes över när intyget förnyades",
        _ => consent.ActorName,
    };
}
