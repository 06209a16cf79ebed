// Generates src/api.gen.ts, the TypeScript types of the HTTP API, from the OpenAPI document
// (internal/httpapi/openapi.yaml) with openapi-typescript: types only, nothing in the bundle.
//
//   node scripts/gen-api.mjs          write src/api.gen.ts   (npm run gen:api)
//   node scripts/gen-api.mjs --check  fail when the committed file is not what the generator
//                                     makes from the current document (npm run check:api;
//                                     infra/web-test.sh runs it)
//
// The options live here only, so the file and the check can never disagree.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';

const spec = new URL('../../internal/httpapi/openapi.yaml', import.meta.url);
const out = new URL('../src/api.gen.ts', import.meta.url);
const check = process.argv.includes('--check');
const regen = 'npm --prefix web run gen:api';

const header = `${COMMENT_HEADER}// Source: internal/httpapi/openapi.yaml. Regenerate with \`${regen}\` (from the repository
// root) after changing it; \`make test\` fails while this file is out of date.

`;

const generated =
  header +
  astToString(
    await openapiTS(spec, {
      silent: true,
      // A default says what the server assumes when a field is absent, so the field stays
      // optional in request bodies (bookingMode, urgency) rather than becoming required.
      defaultNonNullable: false,
    }),
  );

const name = relative(process.cwd(), fileURLToPath(out)) || fileURLToPath(out);
if (!check) {
  writeFileSync(out, generated);
  console.log(`wrote ${name} from ${relative(process.cwd(), fileURLToPath(spec))}`);
  process.exit(0);
}

let committed = '';
try {
  committed = readFileSync(out, 'utf8');
} catch {
  // missing: reported below like any other difference
}
if (committed === generated) {
  console.log(`${name} matches internal/httpapi/openapi.yaml`);
  process.exit(0);
}

console.error(`FAIL: ${name} is not what openapi-typescript makes from internal/httpapi/openapi.yaml.`);
console.error(`Run \`${regen}\` and commit the result. The difference (committed → generated):`);
const dir = mkdtempSync(join(tmpdir(), 'api-gen-'));
try {
  const a = join(dir, 'committed.ts');
  const b = join(dir, 'generated.ts');
  writeFileSync(a, committed);
  writeFileSync(b, generated);
  const diff = spawnSync('diff', ['-u', '--label', 'committed', '--label', 'generated', a, b], { encoding: 'utf8' });
  const lines = (diff.stdout || '(diff is not installed)').split('\n');
  console.error(lines.slice(0, 60).join('\n'));
  if (lines.length > 60) console.error(`… ${lines.length - 60} more lines`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(1);
