// Accessibility fixes for markup that the theme and extensions generate (found by axe-core in the
// browser tests). Each is small and leaves the visible page unchanged.
document.addEventListener("DOMContentLoaded", function () {
  // A control's accessible name must contain its visible text (axe: label-content-name-mismatch):
  // the search button shows "Search Ctrl+K", the fold buttons of code cells "Show code cell source",
  // but their aria-labels said something else. Let the visible text be the name.
  document.querySelectorAll(".search-button__button, .theme-switch-button, details > summary[aria-label]")
    .forEach(function (el) {
      var text = (el.textContent || "").replace(/\s+/g, " ").trim();
      if (text) {
        el.removeAttribute("aria-label");
      } else if (el.classList.contains("theme-switch-button")) {
        el.removeAttribute("aria-label");
        el.setAttribute("title", "Colour theme");
      }
    });
  // The bibliography is a role=list whose entries carry the deprecated doc-biblioentry role, so the
  // list has no list items (axe: aria-required-children). Make the entries list items.
  document.querySelectorAll('.citation-list[role="list"] > [role="doc-biblioentry"]').forEach(function (el) {
    el.setAttribute("role", "listitem");
  });
});
