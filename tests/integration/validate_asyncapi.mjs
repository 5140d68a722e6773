// Validate an AsyncAPI document with the official parser (@asyncapi/parser, a devDependency).
//
//   node tests/integration/validate_asyncapi.mjs docs/events/asyncapi.json
//
// Prints every diagnostic (errors, warnings, infos, hints) and exits 1 if the parser reports
// an error (severity 0) or yields no document; 2 on bad usage. The parser does not check
// message examples against their payload schemas (AsyncAPI 3), so this script also does, with
// Ajv (JSON Schema draft-07, the base of AsyncAPI schemas): an example that does not match its
// payload schema is an error too. Everything resolves from the repository's node_modules
// (`npm ci` installs the devDependencies).
import { readFile } from 'node:fs/promises';
import asyncapiParser from '@asyncapi/parser';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';

const { Parser } = asyncapiParser;
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;
const SEVERITY = ['error', 'warning', 'info', 'hint'];

const path = process.argv[2];
if (!path) {
  console.error('usage: node validate_asyncapi.mjs <asyncapi.json>');
  process.exit(2);
}

const source = await readFile(path, 'utf8');
const parser = new Parser();
const { document, diagnostics } = await parser.parse(source, { source: path });

let errors = 0;
for (const d of diagnostics) {
  if (d.severity === 0) errors += 1;
  const where = d.path && d.path.length ? d.path.join('.') : '(document)';
  console.log(`${SEVERITY[d.severity] ?? d.severity} ${d.code} at ${where}: ${d.message}`);
}

if (errors || !document) {
  console.log(`INVALID: ${errors} error(s)${document ? '' : ', no document'}`);
  process.exit(1);
}
// Examples against their message's payload schema (the parser has resolved every $ref).
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
let examples = 0;
for (const message of document.messages()) {
  if (!message.hasPayload()) continue;
  const validate = ajv.compile(message.payload().json());
  for (const example of message.examples()) {
    if (!example.hasPayload()) continue;
    examples += 1;
    if (!validate(example.payload())) {
      errors += 1;
      for (const e of validate.errors) {
        console.log(`error example-payload at message ${message.id()}, example ${example.name() ?? '(unnamed)'}, ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`);
      }
    }
  }
}
if (errors) {
  console.log(`INVALID: ${errors} example(s) do not match their payload schema`);
  process.exit(1);
}

const channels = document.channels().length;
const operations = document.operations().length;
const messages = document.messages().length;
console.log(`OK: AsyncAPI ${document.version()}, ${channels} channels, ${operations} operations, ${messages} messages, ${examples} examples valid, ${diagnostics.length} diagnostics`);
