// Prints the gzipped size of every built asset and fails when the initial load (the entry
// chunk, the chunks it imports statically and their CSS: what index.html makes the browser
// fetch) exceeds the budget. Lazy chunks (HR with Chart.js) are listed but not counted.
// Reads Vite's manifest (build.manifest: true).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.WEB_BUDGET_KB ?? 250);
const dist = new URL('../dist/', import.meta.url).pathname;

/** @type {Record<string, {file: string, isEntry?: boolean, imports?: string[], css?: string[]}>} */
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

/** @type {Set<string>} */
const initial = new Set(['index.html']);
/** @param {string} key */
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const css of chunk.css ?? []) initial.add(css);
  for (const imp of chunk.imports ?? []) visit(imp);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

/** @param {string} dir @returns {string[]} */
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === '.vite') return [];
    return statSync(p).isDirectory() ? walk(p) : [p];
  });

const rows = walk(dist)
  .filter((p) => /\.(js|css|html|svg|json)$/.test(p))
  .map((p) => {
    const file = relative(dist, p);
    const buf = readFileSync(p);
    return { file, raw: buf.length, gz: gzipSync(buf, { level: 9 }).length, initial: initial.has(file) };
  })
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gz - a.gz);

const kb = (/** @type {number} */ n) => (n / 1024).toFixed(1).padStart(8);
const width = Math.max(...rows.map((r) => r.file.length), 10);
console.log(`\n${'asset'.padEnd(width)}  ${'raw KB'.padStart(8)}  ${'gzip KB'.padStart(8)}  load`);
for (const r of rows) console.log(`${r.file.padEnd(width)}  ${kb(r.raw)}  ${kb(r.gz)}  ${r.initial ? 'initial' : 'lazy'}`);
const total = rows.filter((r) => r.initial).reduce((n, r) => n + r.gz, 0);
const lazy = rows.filter((r) => !r.initial).reduce((n, r) => n + r.gz, 0);
console.log(`${'-'.repeat(width + 30)}`);
console.log(`initial load (gzip): ${(total / 1024).toFixed(1)} KB of ${BUDGET_KB} KB budget; lazy chunks: ${(lazy / 1024).toFixed(1)} KB`);
if (total > BUDGET_KB * 1024) {
  console.error(`FAIL: the initial load is over budget by ${((total - BUDGET_KB * 1024) / 1024).toFixed(1)} KB`);
  process.exit(1);
}
