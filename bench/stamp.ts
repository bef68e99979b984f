/**
 * Which engine code a bench figure was measured on: the commit, and a hash of worker/ as it was in
 * the working tree at run time (worker/ changes under concurrent edits; figures from two runs are
 * comparable only when this stamp agrees).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []))
    .sort();
}

export function workerStamp(): { commit: string; workerDirty: boolean; workerHash: string; text: string } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const workerDirty = git('status', '--porcelain', '--', 'worker') !== '';
  const h = createHash('sha256');
  for (const f of files(join(ROOT, 'worker'))) h.update(f.slice(ROOT.length)).update('\0').update(readFileSync(f)).update('\0');
  const workerHash = h.digest('hex').slice(0, 12);
  return {
    commit,
    workerDirty,
    workerHash,
    text: `engine: commit ${commit}${workerDirty ? ' + uncommitted worker/ changes' : ''}, worker/ hash ${workerHash}`,
  };
}
