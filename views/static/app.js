// Progressive enhancement only: every page works without this file.
// Filters never submit on change: a keyboard user moving through a
// dropdown would be sent back to the top of a new page. Each filter form
// has its own submit button.
(function () {
  function ready() {
    // A failed form's error summary takes focus, so screen readers read
    // it and keyboard users start from it (GOV.UK error-summary pattern).
    // Focus again after load: scrolling to the form's #anchor may move
    // focus back to the page.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      window.addEventListener("load", function () {
        if (document.activeElement === document.body) summary.focus();
      });
    }
    // Filter panels fold away on phones unless they hold an error.
    if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
      document.querySelectorAll("details[data-fold]").forEach(function (d) {
        if (!d.querySelector("[aria-invalid=true], .field-error")) d.open = false;
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
