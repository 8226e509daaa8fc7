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

// Typed numbers are read back as the portal reads them, before the form is
// sent: on a Vietnamese page "." groups thousands and "," marks decimals,
// on an English page the reverse, so "12,5" shows as "Read as: 12,5 ha"
// and "1,250,000" on a Vietnamese page shows why it is refused. The rules
// are internal/money.ParseDecimal's; TestTypedNumbersAreReadBackBeforeSaving
// checks this copy against it. Ranges are left to the server.
(function () {
  var pageLang = document.documentElement.lang === "vi" ? "vi" : "en";
  var marks = pageLang === "vi" ? { group: ".", dec: "," } : { group: ",", dec: "." };
  var msgs = document.getElementById("number-messages");
  if (!msgs) return;

  function digitsOr(s, sep) {
    for (var i = 0; i < s.length; i++) {
      var ch = s.charAt(i);
      if ((ch < "0" || ch > "9") && (!sep || ch !== sep)) return false;
    }
    return true;
  }

  // parse returns {whole, frac} (digit strings) or {err}.
  function parse(s, decimals) {
    s = s.replace(/\s+/g, "");
    if (s === "") return { err: "syntax" };
    if (s.charAt(0) === "-") return { err: "negative" };
    var g = marks.group, d = marks.dec;
    var cut = s.indexOf(d);
    var whole = cut < 0 ? s : s.slice(0, cut), frac = cut < 0 ? "" : s.slice(cut + 1), hasFrac = cut >= 0;
    if (frac.indexOf(d) >= 0) return { err: digitsOr(s, d) ? "ambiguous" : "syntax" };
    if (hasFrac && !digitsOr(frac, "")) {
      if (frac.indexOf(g) >= 0 && digitsOr(frac, g)) return { err: "grouping" };
      return { err: "syntax" };
    }
    if (!digitsOr(whole, g) || (hasFrac && whole === "" && frac === "") || (whole === "" && !hasFrac)) return { err: "syntax" };
    var parts = whole.split(g);
    if (parts.length > 1) {
      if (parts[0].length < 1 || parts[0].length > 3) return { err: "grouping" };
      for (var i = 1; i < parts.length; i++) if (parts[i].length !== 3) return { err: "grouping" };
    } else if (hasFrac && frac.length === 3 && whole.length >= 1 && whole.length <= 3 && whole.charAt(0) !== "0") {
      return { err: "ambiguous" };
    }
    if (frac.length > decimals) return { err: "decimals" };
    return { whole: parts.join("").replace(/^0+(?=\d)/, "") || "0", frac: frac.replace(/0+$/, "") };
  }

  // format writes a parsed number as FormatDecimal does.
  function format(n, decimals) {
    var w = n.whole, out = "";
    for (var i = 0; i < w.length; i++) {
      if (i > 0 && (w.length - i) % 3 === 0) out += marks.group;
      out += w.charAt(i);
    }
    var f = n.frac;
    if (f.length === 3 && w.length <= 3 && w !== "0" && decimals > 3) f += "0";
    return f ? out + marks.dec + f : out;
  }

  // setting returns the decimals and unit of an input, from its own data
  // or from the selected option of the field it names (currency, kind).
  function setting(input) {
    var from = input.getAttribute("data-number-from");
    var src = input;
    if (from) {
      var sel = document.getElementById(from);
      src = sel && sel.options[sel.selectedIndex] || input;
    }
    return { decimals: parseInt(src.getAttribute("data-number") || "0", 10), unit: src.getAttribute("data-number-unit") || "" };
  }

  function show(input) {
    var echo = document.getElementById(input.getAttribute("data-number-echo"));
    if (!echo) return;
    var v = input.value, neg = false;
    if (input.hasAttribute("data-number-negative") && /^\s*-/.test(v)) {
      neg = true;
      v = v.replace(/^\s*-/, "");
    }
    if (v.trim() === "") {
      echo.textContent = "";
      echo.hidden = true;
      return;
    }
    var st = setting(input), n = parse(v, st.decimals);
    echo.hidden = false;
    echo.classList.toggle("number-echo-bad", !!n.err);
    if (n.err) {
      echo.textContent = (n.err === "decimals" && input.getAttribute("data-number-decimals-msg")) || msgs.getAttribute("data-" + n.err);
      return;
    }
    echo.textContent = msgs.getAttribute("data-read") + " " + (neg ? "-" : "") + format(n, st.decimals) + (st.unit ? " " + st.unit : "");
  }

  document.querySelectorAll("input[data-number-echo]").forEach(function (input) {
    input.addEventListener("input", function () { show(input); });
    var from = input.getAttribute("data-number-from");
    var sel = from && document.getElementById(from);
    if (sel) sel.addEventListener("change", function () { show(input); });
    show(input);
  });
})();
