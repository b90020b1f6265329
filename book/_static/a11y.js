// Accessibility fixes for the theme's header buttons: their aria-label ("Search") did not contain
// their visible text ("Search Ctrl+K"), which screen-reader users who speak the visible text
// cannot match (axe: label-content-name-mismatch). Let the visible text be the name.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".search-button__button, .theme-switch-button").forEach(function (button) {
    var text = (button.textContent || "").replace(/\s+/g, " ").trim();
    if (text) {
      button.removeAttribute("aria-label");
    } else if (button.classList.contains("theme-switch-button")) {
      button.removeAttribute("aria-label");
      button.setAttribute("title", "Colour theme");
    }
  });
});
