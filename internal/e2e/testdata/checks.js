// Page checks run by crawl_test.go in each page, after load. One call,
// __e2eChecks(lang, properNames), returns every problem found on the
// current page at the current window size; the Go side reports them.
window.__e2eChecks = function (lang, properNames) {
  // sel names an element: tag#id.class, with up to two ancestors.
  const one = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + '#' + el.id;
    const tid = el.getAttribute && el.getAttribute('data-testid');
    if (tid) return s + '[data-testid=' + tid + ']';
    const cls = (el.getAttribute && el.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean).slice(0, 2);
    if (cls.length) s += '.' + cls.join('.');
    return s;
  };
  const sel = (el) => {
    const parts = [];
    for (let e = el, i = 0; e && e.nodeType === 1 && i < 3; e = e.parentElement, i++) {
      parts.unshift(one(e));
      if (e.id) break;
    }
    return parts.join(' > ');
  };
  const visible = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (e.tagName === 'OPTION' || e.tagName === 'OPTGROUP') continue;
      if (e.tagName === 'SELECT') return visible(e.parentElement);
      break;
    }
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, overflow: [], smallChartText: [], otherLang: []};

  // Horizontal overflow: the elements sticking out past the right edge,
  // not counting those inside a box that scrolls or clips horizontally
  // (those do not widen the page).
  if (out.scrollWidth > out.innerWidth) {
    const clipped = (el) => {
      for (let e = el.parentElement; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
        const ox = getComputedStyle(e).overflowX;
        if (ox !== 'visible') return true;
      }
      return false;
    };
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= out.innerWidth + 0.5 || clipped(el)) continue;
      offenders.push({el, right: r.right, width: r.width});
    }
    // An offender whose parent also offends adds nothing: name the
    // outermost boxes that stick out, widest first.
    const set = new Set(offenders.map((o) => o.el));
    const roots = offenders.filter((o) => !set.has(o.el.parentElement));
    roots.sort((a, b) => b.right - a.right);
    out.overflow = roots.slice(0, 3).map((o) => sel(o.el) + ' (right edge ' + Math.round(o.right) + ' px, width ' + Math.round(o.width) + ' px)');
  }

  // Chart text: rendered size, so SVG text scaled down by a viewBox
  // counts at the size the reader sees.
  // Reported grouped by element and size: a chart has many labels.
  const seen = new Set();
  const small = new Map();
  const chartEls = document.querySelectorAll('svg text, svg tspan, [data-chart] *, .chart *');
  for (const el of chartEls) {
    if (seen.has(el)) continue;
    seen.add(el);
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      if (m) px *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    if (px < 12 - 0.05) {
      const key = sel(el) + ' at ' + px.toFixed(1) + ' px';
      const g = small.get(key) || {n: 0, texts: []};
      g.n++;
      if (g.texts.length < 3) g.texts.push('"' + el.textContent.trim().slice(0, 30) + '"');
      small.set(key, g);
    }
  }
  for (const [key, g] of small) out.smallChartText.push(key + ': ' + g.n + ' texts, such as ' + g.texts.join(', '));

  // Text of the other language. Vietnamese letters on /en/ pages, English
  // sentences on /vi/ pages, unless inside an element marked with the
  // text's language. Left out: code and pre (literal values), e-mail
  // addresses and URLs (not language), and the province's place names,
  // which English texts write with their diacritics.
  const other = lang === 'en' ? 'vi' : 'en';
  const viLetters = /[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]/;
  const enFunction = /(^|[^\p{L}])(the|and|of|for|with|is)([^\p{L}]|$)/iu;
  const markedOther = (el) => {
    const l = el.closest('[lang]');
    return l && l.getAttribute('lang').toLowerCase().split('-')[0] === other;
  };
  const skipped = (el) => el.closest('code, pre, script, style, noscript, template, svg title');
  const clean = (s) => {
    s = s.replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/gu, ' ').replace(/\b(https?:\/\/|www\.)\S+/g, ' ');
    for (const n of properNames) s = s.split(n).join(' ');
    return s;
  };
  const wrong = (s) => {
    s = clean(s);
    if (lang === 'en') return viLetters.test(s);
    const words = s.split(/[^\p{L}']+/u).filter(Boolean);
    return words.length >= 3 && enFunction.test(s);
  };
  const report = (el, what, text) => {
    if (out.otherLang.length < 15) out.otherLang.push(sel(el) + ' ' + what + '"' + text.trim().replace(/\s+/g, ' ').slice(0, 60) + '"');
  };
  if (wrong(document.title) && !(document.documentElement.lang || '').startsWith(other)) report(document.documentElement, 'title ', document.title);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || skipped(el) || markedOther(el) || !visible(el)) continue;
    if (wrong(n.textContent)) report(el, '', n.textContent);
  }
  // Attribute texts that users see or hear.
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], img[alt], [title]')) {
    if (skipped(el) || markedOther(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'alt', 'title']) {
      const v = el.getAttribute(a);
      if (v && wrong(v)) report(el, '[' + a + '] ', v);
    }
  }
  return out;
};

// __e2eFocus describes the focused element and whether it shows a focus
// indicator (an outline or a box shadow).
window.__e2eFocus = function () {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: '', shown: false, none: true};
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  const label = (el.textContent.trim() || el.getAttribute('aria-label') || el.getAttribute('name') || el.getAttribute('href') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return {name: name + ' "' + label + '"', shown: outline || shadow, none: false};
};

// __e2eErrorSummary checks the page after a failed submit: focus is on
// (or inside) an error summary whose links each point at a form field.
window.__e2eErrorSummary = function () {
  const problems = [];
  const el = document.activeElement;
  const summary = el && el.closest && el.closest('[role=alert], .error-summary');
  if (!summary) {
    const any = document.querySelector('.error-summary, [role=alert]');
    problems.push('focus is on ' + (el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') : 'nothing') + ', not on an error summary' + (any ? ' (one exists: ' + any.tagName.toLowerCase() + '.' + any.className + ')' : ' (none on the page)'));
    return {problems, title: document.title};
  }
  const links = [...summary.querySelectorAll('a[href]')];
  if (!links.length) problems.push('the error summary has no links to the fields');
  for (const a of links) {
    const href = a.getAttribute('href');
    const id = href.startsWith('#') ? decodeURIComponent(href.slice(1)) : '';
    const target = id && document.getElementById(id);
    if (!target || !target.matches('input, select, textarea, fieldset, [contenteditable]') && !target.querySelector('input, select, textarea')) {
      problems.push('link ' + href + ' ("' + a.textContent.trim().slice(0, 40) + '") does not point at a field');
    }
  }
  return {problems, title: document.title};
};
