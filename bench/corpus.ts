/** Where the third-party test corpus lives (never copied into the project). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CORPUS_DIR = resolve(process.env.QS_CORPUS ?? resolve(import.meta.dirname, '../../shared/corpus'));
export const corpusAvailable = () => existsSync(CORPUS_DIR);
