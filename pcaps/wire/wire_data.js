// wire_data.js -- the made-up records served in the wire captures. Every
// value that counts as personal data is also written to the .secrets.txt
// files: no sensor output may contain one of them.
'use strict';
const customers = [
  { _id: 1001, name: 'Tobias Jaworski', email: 'tobias.jaworski@example.org', iban: 'DE89370400440532013000', phone: '+49 30 90182734' },
  { _id: 1002, name: 'Mira Lindqvist', email: 'mira.lindqvist@example.net', iban: 'GB29NWBK60161331926819', phone: '+44 20 7946 0958' },
  { _id: 1003, name: 'Jonas Brandt', email: 'jonas.brandt@example.com', iban: 'FR1420041010050500013M02606', phone: '+33 1 42 68 53 00' },
  { _id: 1004, name: 'Elena Varga', email: 'elena.varga@example.org', iban: 'NL91ABNA0417164300', phone: '+31 20 624 1111' },
];
const settings = [
  { _id: 'theme', value: 'dark', updated: 3 },
  { _id: 'locale', value: 'en', updated: 1 },
];
const leads = [
  { _id: 1, contact: 'Ines Albers', email: 'ines.albers@example.de', phone: '+49 89 2180 1234', card: '4111 1111 1111 1111' },
  { _id: 2, contact: 'Paul Okafor', email: 'paul.okafor@example.com', phone: '+1 415 555 0132' },
];

function secrets() {
  const out = [];
  for (const c of customers) out.push(c.name, c.email, c.iban, c.phone);
  for (const l of leads) { out.push(l.contact, l.email, l.phone); if (l.card) out.push(l.card); }
  return out;
}

module.exports = { mongo: { customers, settings, leads }, customers, settings, leads, secrets };
