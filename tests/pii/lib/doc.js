// doc.js -- one generated file and its ground truth.
//
// A Doc collects, for each PII kind, every occurrence's normalised value in
// the order written (so count = occurrences, distinct = set size), the
// organisation email domains, and the records (rows, documents, elements,
// messages) that hold at least one finding. The recipes in gen.js call
// doc.add(kind, {text, norm}) for each value they write and get the text
// back, so what is written and what is labelled cannot drift apart.

// The engine's built-in free-mail list (sensor/pii_count.c must agree): these
// domains are people, not organisations.
const FREEMAIL_EXACT = new Set([
  'gmail.com', 'googlemail.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'web.de', 'mail.ru', 'qq.com', '163.com', '126.com',
  'zoho.com', 'fastmail.com', 'tutanota.com', 'orange.fr', 'free.fr', 'laposte.net', 'libero.it',
]);
const FREEMAIL_PREFIX = ['yahoo.', 'hotmail.', 'outlook.', 'live.', 'gmx.', 'yandex.'];
export function isFreemail(domain) {
  return FREEMAIL_EXACT.has(domain) || FREEMAIL_PREFIX.some((p) => domain.startsWith(p));
}

export const KINDS = [
  'email', 'phone', 'payment_card', 'national_id', 'iban', 'person_name',
  'date_of_birth', 'postal_address', 'email_message', 'credential',
];

export class Doc {
  constructor(name, type, opts = {}) {
    this.name = name;
    this.type = type;                  // csv json ndjson xml eml text bin
    this.lookalike = !!opts.lookalike;
    this.locale = opts.locale || null;
    this.note = opts.note || '';
    this.occ = Object.fromEntries(KINDS.map((k) => [k, []]));
    this.orgs = new Set();
    this.records = 0;
    this.inRecord = false;
    this.recordHit = false;
  }

  // Label one occurrence; returns the text to write.
  add(kind, v) {
    if (!KINDS.includes(kind)) throw new Error('bad kind ' + kind);
    if (this.lookalike) throw new Error(`${this.name}: PII in a look-alike file`);
    this.occ[kind].push(v.norm);
    if (kind === 'email') {
      const dom = v.norm.slice(v.norm.lastIndexOf('@') + 1);
      if (!isFreemail(dom)) this.orgs.add(dom);
    }
    if (this.inRecord) this.recordHit = true;
    return v.text;
  }

  begin() { this.inRecord = true; this.recordHit = false; }
  end() {
    if (this.recordHit) this.records++;
    this.inRecord = false;
    this.recordHit = false;
  }

  truth() {
    const kinds = {};
    let total = 0, distinct = 0;
    for (const k of KINDS) {
      const o = this.occ[k];
      if (!o.length) continue;
      const d = new Set(o).size;
      kinds[k] = { count: o.length, distinct: d, values: o };
      total += o.length;
      distinct += d;
    }
    return {
      type: this.type,
      locale: this.locale,
      lookalike: this.lookalike,
      note: this.note,
      total, distinct,
      records: this.records,
      organizations: this.orgs.size,
      org_domains: [...this.orgs].sort(),
      kinds,
    };
  }
}

// ---- writers ----

export function csvField(s, delim) {
  s = String(s);
  if (s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r'))
    return '"' + s.replace(/"/g, '""') + '"';
  return s;
}

export function csvLine(fields, delim) {
  return fields.map((f) => csvField(f, delim)).join(delim) + '\r\n';
}

// Text content: only what XML requires (an apostrophe in O'Brien stays as is).
export function xmlEsc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
