// The JSON Schemas in docs/ against the Rust code: real payloads made by survey-core
// (core/examples/sample_payloads.rs) must pass docs/survey-response.schema.json, broken
// ones must fail it and be refused by survey-core too, and the questionnaires must pass
// docs/survey-definition.schema.json. Run: node --test tests/schema/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (path) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

function validator(path, options = {}) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...options });
  addFormats(ajv);
  const schema = readJson(path);
  assert.equal(ajv.validateSchema(schema), true, `${path}: ${ajv.errorsText()}`);
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`));
}

const checkResponse = validator('docs/survey-response.schema.json');
// The definition schema uses `properties`/`required` inside if/then/not without `type` or
// without declaring the property there, which Ajv's strict lints refuse; it is valid 2020-12.
const checkDefinition = validator('docs/survey-definition.schema.json', {
  strictTypes: false,
  strictRequired: false,
});

function cargoExample(args = [], input = undefined) {
  const out = execFileSync(
    'cargo',
    ['run', '-q', '-p', 'survey-core', '--example', 'sample_payloads', '--', ...args],
    { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  return JSON.parse(out);
}

/** survey-core's verdict (from_json, then validate as the collector does) on each candidate. */
const rustVerdicts = (candidates) => cargoExample(['--check'], JSON.stringify(candidates));

const samples = cargoExample();
const byKey = (pred, what) => {
  const found = samples.find(pred);
  assert.ok(found, `no sample payload ${what}`);
  return () => structuredClone(found);
};
const scored = byKey((p) => p.survey.id === 'post-service' && p.score, 'of post-service with a score card');
const unscored = byKey((p) => p.survey.id === 'post-call' && !p.score, 'of post-call without a score card');

test('the sample payloads cover what the widget sends', () => {
  const kinds = new Set(
    samples.flatMap((p) => Object.values(p.answers).map((a) => (typeof a === 'string' ? a : Object.keys(a)[0]))),
  );
  assert.deepEqual(
    [...kinds].sort(),
    ['choice', 'choices', 'contact', 'not_applicable', 'scale', 'text', 'yes_no'],
  );
  assert.deepEqual([...new Set(samples.map((p) => p.survey.id))].sort(), ['post-call', 'post-service']);
  assert.deepEqual([...new Set(samples.map((p) => p.locale))].sort(), ['en', 'zh-CN', 'zh-TW']);
  assert.deepEqual([...new Set(samples.map((p) => p.client.mode))].sort(), ['embed', 'kiosk', 'page']);
  assert.ok(samples.some((p) => p.score === undefined), 'one without a score card');
  assert.ok(samples.some((p) => p.score?.alerts.length > 0 && p.score.follow_up_due), 'one with alerts');
  assert.ok(samples.some((p) => Object.keys(p.context).length >= 3), 'one with a visit context');
});

test('every payload survey-core makes matches the schema', () => {
  for (const p of samples) {
    assert.deepEqual(checkResponse(p), [], `${p.survey.id} ${p.locale} ${p.id}`);
  }
});

const long = (n) => 'x'.repeat(n);
const tooManyKeys = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));

/** Realistic mistakes: [name, base payload, change, the schema error expected (substring)]. */
const BROKEN = [
  ['no id', scored, (p) => delete p.id, "/ must have required property 'id'"],
  ['no answers', unscored, (p) => delete p.answers, "/ must have required property 'answers'"],
  ['no client', unscored, (p) => delete p.client, "/ must have required property 'client'"],
  ['an id that is not a UUID', scored, (p) => (p.id = '42'), '/id must match format "uuid"'],
  ['a UUID without dashes', scored, (p) => (p.id = p.id.replaceAll('-', '')), '/id must match format "uuid"'],
  ['a urn:uuid: id', scored, (p) => (p.id = `urn:uuid:${p.id}`), '/id must match pattern'],
  ['another format version', scored, (p) => (p.format = 'survey-response/2'), '/format must be equal to constant'],
  ['an unknown top-level field', scored, (p) => (p.user_agent = 'Mozilla/5.0'), '/ must NOT have additional properties'],
  ['a camelCase field', unscored, (p) => { p.createdAt = p.created_at; delete p.created_at; }, "must have required property 'created_at'"],
  ['created_at with an offset', scored, (p) => (p.created_at = '2026-11-23T18:00:00+08:00'), '/created_at must match pattern'],
  ['created_at with a space', scored, (p) => (p.created_at = '2026-11-23 10:00:00Z'), '/created_at must match pattern'],
  ['created_at as epoch ms', unscored, (p) => (p.created_at = 1795428000000), '/created_at must be string'],
  ['created_at month 13', unscored, (p) => (p.created_at = '2026-13-01T10:00:00Z'), '/created_at must match format "date-time"'],
  ['a locale with a space', scored, (p) => (p.locale = 'zh CN'), '/locale must match pattern'],
  ['a locale with markup', unscored, (p) => (p.locale = '"><img src=x>'), '/locale must match pattern'],
  ['a one-letter locale', unscored, (p) => (p.locale = 'e'), '/locale must match pattern'],
  ['a survey id with a space', scored, (p) => (p.survey.id = 'post service'), '/survey/id must match pattern'],
  ['survey.version as a string', scored, (p) => (p.survey.version = '1'), '/survey/version must be integer'],
  ['a negative survey version', unscored, (p) => (p.survey.version = -1), '/survey/version must be >= 0'],
  ['an extra field in survey', scored, (p) => (p.survey.name = 'Post service'), '/survey must NOT have additional properties'],
  ['an unknown mode', scored, (p) => (p.client.mode = 'app'), '/client/mode must be equal to one of the allowed values'],
  ['a long widget version', unscored, (p) => (p.client.widget_version = long(33)), '/client/widget_version must NOT have more than 32 characters'],
  ['an extra field in client', unscored, (p) => (p.client.user_agent = 'Mozilla/5.0'), '/client must NOT have additional properties'],
  ['a context value over 128 characters', scored, (p) => (p.context.dealer = long(129)), '/context/dealer must NOT have more than 128 characters'],
  ['17 context keys', unscored, (p) => (p.context = tooManyKeys), '/context must NOT have more than 16 properties'],
  ['a context key with a space', scored, (p) => (p.context['repair order'] = 'RO-1'), '/context property name must be valid'],
  ['a number as a context value', scored, (p) => (p.context.ro = 123), '/context/ro must be string'],
  ['null context', unscored, (p) => (p.context = null), '/context must be object'],
  ['a scale of 256', unscored, (p) => (p.answers.nps = { scale: 256 }), '/answers/nps must match exactly one schema'],
  ['a bare number as an answer', scored, (p) => (p.answers.nps = 9), '/answers/nps must match exactly one schema'],
  ['two kinds in one answer', scored, (p) => (p.answers.nps = { scale: 9, yes_no: true }), '/answers/nps must match exactly one schema'],
  ['"n/a" for not applicable', scored, (p) => (p.answers.s_lounge = 'n/a'), '/answers/s_lounge must match exactly one schema'],
  ['choices as one string', scored, (p) => (p.answers.what_went_wrong = { choices: 'price' }), '/answers/what_went_wrong must match exactly one schema'],
  ['contact without consent', unscored, (p) => (p.answers.contact_me = { contact: { phone: '+86 138-0013-8000' } }), "/answers/contact_me/contact must have required property 'consent'"],
  ['contact with a name', unscored, (p) => (p.answers.contact_me = { contact: { consent: true, email: 'a@example.com', name: 'Li' } }), '/answers/contact_me/contact must NOT have additional properties'],
  ['a score card without items', scored, (p) => delete p.score.items, "/score must have required property 'items'"],
  ['an unknown alert rule', scored, (p) => p.score.alerts.push({ rule: 'angry', question: 'nps', detail: '0 of 10' }), '/score/alerts/0/rule must be equal to one of the allowed values'],
  ['csi as a string', scored, (p) => (p.score.csi = '87.5'), '/score/csi must be number,null'],
];

test('the schema and survey-core both refuse broken payloads', () => {
  const cases = BROKEN.map(([name, base, change, expected]) => {
    const p = base();
    change(p);
    return { name, p, expected };
  });
  const verdicts = rustVerdicts(cases.map((c) => c.p));
  for (const [i, { name, p, expected }] of cases.entries()) {
    const errors = checkResponse(p);
    assert.ok(errors.length > 0, `schema accepted: ${name}`);
    assert.ok(errors.some((e) => e.includes(expected)), `${name}: expected "${expected}", schema said ${JSON.stringify(errors)}`);
    assert.equal(verdicts[i].ok, false, `survey-core accepted: ${name}`);
  }
});

/** Edges that both sides must accept: limits exactly reached, optional parts left out. */
const ACCEPTED = [
  ['an upper-case id', scored, (p) => (p.id = p.id.toUpperCase())],
  ['no context', unscored, (p) => delete p.context],
  ['16 context keys of 128 characters', unscored, (p) => (p.context = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, long(128)])))],
  ['a 128-character context value of CJK text', unscored, (p) => (p.context.dealer = '经'.repeat(128))],
  ['a 32-character widget version', unscored, (p) => (p.client.widget_version = long(32))],
  ['created_at with 9 fraction digits', unscored, (p) => (p.created_at = '2026-11-23T10:00:00.123456789Z')],
  ['score: null', unscored, (p) => (p.score = null)],
  ['a score card without its nullable fields', scored, (p) => { for (const k of ['csi', 'nps', 'csat', 'ces', 'fcr', 'follow_up_due']) delete p.score[k]; }],
  ['a contact with phone: null', unscored, (p) => (p.answers.contact_me = { contact: { consent: true, email: 'li@example.com', phone: null } })],
  ['a dealer survey the collector does not know', unscored, (p) => { p.survey = { id: 'express-lane', version: 3 }; p.answers = { x_stars: { scale: 4 }, x_channel: { choice: 'app' } }; }],
];

test('the schema and survey-core both accept the edges', () => {
  const cases = ACCEPTED.map(([name, base, change]) => {
    const p = base();
    change(p);
    return { name, p };
  });
  const verdicts = rustVerdicts(cases.map((c) => c.p));
  for (const [i, { name, p }] of cases.entries()) {
    assert.deepEqual(checkResponse(p), [], `schema refused: ${name}`);
    assert.deepEqual(verdicts[i], { ok: true }, `survey-core refused: ${name}`);
  }
});

test('the example in docs/response-format.md is valid on both sides', () => {
  const doc = readFileSync(join(ROOT, 'docs/response-format.md'), 'utf8');
  const example = JSON.parse(doc.match(/```json\n([\s\S]*?)\n```/)[1]);
  assert.deepEqual(checkResponse(example), []);
  assert.deepEqual(rustVerdicts([example]), [{ ok: true }]);
});

test('the definition schema accepts the built-in templates and the fixture', () => {
  for (const path of [
    'core/src/templates/post-service.json',
    'core/src/templates/post-call.json',
    'tests/e2e/fixtures/dealer-express.json',
  ]) {
    assert.deepEqual(checkDefinition(readJson(path)), [], path);
  }
});

test('the definition schema refuses the broken fixture (a 12-point matrix)', () => {
  const errors = checkDefinition(readJson('tests/e2e/fixtures/broken-definition.json'));
  assert.ok(
    errors.some((e) => e.startsWith('/pages/1/questions/0/input/points must be <= 10')),
    JSON.stringify(errors),
  );
});
