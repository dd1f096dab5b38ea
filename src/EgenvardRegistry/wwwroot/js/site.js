// The pages' only script, a file because the Content-Security-Policy allows no inline script. Every page works without it.

// Move focus to a form's error summary so a screen reader announces it.
document.querySelector(".error-summary")?.focus();

// The printable certificate's "Skriv ut intyget" button.
for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
}
