// Progressive enhancement only: every page works without this file.
// Filter forms marked data-autosubmit submit when a select changes, so
// investors need not look for the button.
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (el.tagName !== "SELECT") return;
  var form = el.closest("form[data-autosubmit]");
  if (form) form.submit();
});
