'use strict';
// Deterministic test data for the real-server captures.
//
// Everything here comes from small local tables and a seeded PRNG
// (mulberry32, fixed seed), so two runs produce byte-identical files.
// The people are invented; the e-mail domains are made-up company names on
// real TLDs; phone numbers are E.164 with the right length for their
// country; IBANs carry correct mod-97 check digits; card numbers are
// Luhn-valid.
//
// buildData() returns { files: {name: {body, contentType, pii}}, piiValues }
// where piiValues is every raw personal value that appears in any file
// (full names, e-mail addresses, phone numbers, IBANs, card numbers).

const SEED = 0xb1eed;

function mulberry32(a) {
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Bram', 'Chiara', 'Dirk', 'Elena', 'Florian', 'Greta', 'Hamid',
  'Ingrid', 'Jonas', 'Katja', 'Lars', 'Marta', 'Niels', 'Olga', 'Pablo', 'Quirine',
  'Rafael', 'Saskia', 'Tobias', 'Ursula', 'Viktor', 'Wilma', 'Xavier', 'Yvonne', 'Zeno'];
const LAST = ['Aalders', 'Brinkman', 'Castellano', 'Dijkstra', 'Eriksson', 'Fontaine',
  'Gallagher', 'Hoekstra', 'Ibarra', 'Jaworski', 'Kowalczyk', 'Lindqvist', 'Mertens',
  'Nowak', 'Oosterhuis', 'Pellegrini', 'Quispel', 'Rasmussen', 'Schreiber', 'Terpstra',
  'Umberto', 'Vermeulen', 'Wojcik', 'Zimmermann'];
const ORGS = ['northwind-traders.nl', 'fabrikam-logistics.de', 'contoso-retail.co.uk',
  'tailspin-air.fr', 'adatum-health.es', 'litware-labs.it', 'proseware.be',
  'wingtip-travel.se', 'fourthcoffee.pl', 'woodgrove-finance.com'];
// country -> [calling code, national significant number generator, cities]
const COUNTRIES = {
  NL: { cc: '31', nsn: (r) => '6' + digits(r, 8), cities: ['Amsterdam', 'Utrecht', 'Groningen', 'Leiden'] },
  DE: { cc: '49', nsn: (r) => '15' + pick(r, ['1', '2', '7']) + digits(r, 8), cities: ['Berlin', 'Hamburg', 'Leipzig', 'Bremen'] },
  GB: { cc: '44', nsn: (r) => '7' + pick(r, ['4', '5', '7', '8']) + digits(r, 8), cities: ['Leeds', 'Bristol', 'Glasgow', 'York'] },
  FR: { cc: '33', nsn: (r) => pick(r, ['6', '7']) + digits(r, 8), cities: ['Lyon', 'Nantes', 'Lille', 'Rennes'] },
  ES: { cc: '34', nsn: (r) => '6' + digits(r, 8), cities: ['Madrid', 'Sevilla', 'Bilbao', 'Valencia'] },
};
const COUNTRY_KEYS = Object.keys(COUNTRIES);

function pick(r, arr) { return arr[Math.floor(r() * arr.length)]; }
function digits(r, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(r() * 10));
  return s;
}

// ISO 13616 check digits: move the country code + '00' to the end, letters
// to numbers (A=10 ... Z=35), 98 - (n mod 97).
function ibanCheck(country, bban) {
  const s = (bban + country + '00').toUpperCase();
  let rem = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return String(98 - rem).padStart(2, '0');
}
function ibanValid(iban) {
  const s = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}
function makeIban(r, country) {
  let bban;
  if (country === 'DE') bban = digits(r, 8) + digits(r, 10);
  else if (country === 'GB') bban = pick(r, ['NWBK', 'BARC', 'MIDL']) + digits(r, 6) + digits(r, 8);
  else if (country === 'FR') bban = digits(r, 5) + digits(r, 5) + digits(r, 11) + digits(r, 2);
  else if (country === 'ES') bban = digits(r, 4) + digits(r, 4) + digits(r, 2) + digits(r, 10);
  else bban = pick(r, ['ABNA', 'INGB', 'RABO', 'TRIO']) + digits(r, 10);
  return country + ibanCheck(country, bban) + bban;
}

function luhnDigit(partial) {
  let sum = 0;
  // positions counted from the right of the final number; the check digit is 1
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
function luhnValid(num) {
  let sum = 0;
  for (let i = 0; i < num.length; i++) {
    let d = Number(num[num.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}
function makeCard(r) {
  const prefix = pick(r, ['4', '51', '52', '53', '54', '55']);
  const partial = prefix + digits(r, 15 - prefix.length);
  return partial + luhnDigit(partial);
}

function slug(s) {
  return s.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');
}

function makePeople(r, n) {
  const people = [];
  const seen = new Set();
  while (people.length < n) {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const name = `${first} ${last}`;
    if (seen.has(name)) continue;
    seen.add(name);
    const country = pick(r, COUNTRY_KEYS);
    const c = COUNTRIES[country];
    const org = pick(r, ORGS);
    const p = {
      id: 1000 + people.length + 1,
      name,
      email: `${slug(first)}.${slug(last)}@${org}`,
      phone: `+${c.cc}${c.nsn(r)}`,
      city: pick(r, c.cities),
      country,
      iban: null,
      card: null,
    };
    if (people.length % 2 === 0) p.iban = makeIban(r, country);
    else p.card = makeCard(r);
    people.push(p);
  }
  return people;
}

function csvRow(fields) {
  return fields.map((f) => (f == null ? '' : String(f))).join(',');
}

function buildData() {
  const r = mulberry32(SEED);
  const people = makePeople(r, 50);
  const piiValues = [];
  const addPii = (v) => { if (v && !piiValues.includes(v)) piiValues.push(v); };

  // exports/customers.csv
  const csv = ['id,name,email,phone,iban,card,city,country'];
  for (const p of people) {
    csv.push(csvRow([p.id, p.name, p.email, p.phone, p.iban, p.card, p.city, p.country]));
    for (const v of [p.name, p.email, p.phone, p.iban, p.card]) addPii(v);
  }
  const customersCsv = csv.join('\r\n') + '\r\n';

  // exports/customers.json (same people)
  const customersJson = JSON.stringify(people.map((p) => ({
    id: p.id, name: p.name, email: p.email, phone: p.phone,
    ...(p.iban ? { iban: p.iban } : { card: p.card }), city: p.city, country: p.country,
  })), null, 1) + '\n';

  // exports/mail/0001.eml: one stored message between two of the customers
  const from = people[3];
  const to = people[7];
  const eml = [
    `From: ${from.name} <${from.email}>`,
    `To: ${to.name} <${to.email}>`,
    'Subject: Delivery address for order 58213',
    'Date: Tue, 20 Sep 2022 09:14:03 +0200',
    `Message-ID: <20220920091403.4711@${from.email.split('@')[1]}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    `Hello ${to.name.split(' ')[0]},`,
    '',
    `Please ship the order to our ${from.city} office. If the courier cannot find`,
    `the entrance, call me on ${from.phone} or my colleague on ${people[11].phone}.`,
    '',
    `Kind regards,`,
    `${from.name}`,
    '',
  ].join('\r\n');
  for (const v of [from.name, from.email, to.name, to.email, from.phone, people[11].phone]) addPii(v);

  // exports/readme.txt: nothing personal
  const readme = [
    'Nightly export of the customer tables.',
    '',
    'Files in this folder are produced by the export job and replaced every night.',
    'customers.csv and customers.json hold the same records in two formats.',
    'Columns are documented in the data dictionary on the team wiki.',
    'Contact the data platform team through the internal ticket queue.',
    '',
  ].join('\n');

  // private/payroll.csv (private-data/payroll.csv on S3): staff with salary + IBAN
  const staff = makePeople(r, 12);
  const pay = ['employee_id,name,email,iban,gross_monthly_eur'];
  for (const s of staff) {
    const iban = s.iban || makeIban(r, s.country);
    const salary = 2800 + Math.floor(r() * 4200);
    pay.push(csvRow([s.id - 1000 + 7000, s.name, s.email, iban, salary]));
    for (const v of [s.name, s.email, iban]) addPii(v);
  }
  const payroll = pay.join('\r\n') + '\r\n';

  return {
    people,
    piiValues,
    files: {
      'customers.csv': { body: customersCsv, contentType: 'text/csv', pii: true },
      'customers.json': { body: customersJson, contentType: 'application/json', pii: true },
      'mail/0001.eml': { body: eml, contentType: 'message/rfc822', pii: true },
      'readme.txt': { body: readme, contentType: 'text/plain', pii: false },
      'payroll.csv': { body: payroll, contentType: 'text/csv', pii: true },
    },
  };
}

module.exports = { buildData, ibanValid, luhnValid };

if (require.main === module) {
  // self-check + show: node gen_data.js
  const d = buildData();
  for (const p of d.people) {
    if (p.iban && !ibanValid(p.iban)) throw new Error('bad iban ' + p.iban);
    if (p.card && !luhnValid(p.card)) throw new Error('bad card ' + p.card);
  }
  for (const [n, f] of Object.entries(d.files)) console.log(`${n}: ${f.body.length} bytes`);
  console.log(d.files['customers.csv'].body.split('\r\n').slice(0, 5).join('\n'));
  console.log(d.files['mail/0001.eml'].body);
  console.log(`${d.piiValues.length} pii values`);
}
