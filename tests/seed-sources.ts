/**
 * The project's seeds (`seeds/`) as ingestion sources, for tests in Node, workerd and the browser
 * alike (bundled imports, no file system): the seed document exactly as given (with its
 * `.meta.json`), the UN press release GA/12404 as the primary record, the Xinhua excerpt as a
 * second report, and the sample reviews.
 */
import seedMeta from '../seeds/articles/000_f31f24ae895fee86.meta.json';
import seedText from '../seeds/articles/000_f31f24ae895fee86.txt?raw';
import unPress from '../seeds/articles/un-press-ga12404-2022-02-28.json';
import xinhua from '../seeds/articles/xinhua-ecns-2022-03-01-guterres-excerpt.json';
import samples from '../seeds/claims/samples.claims.json';
import type { ArticleSource, ClaimSource } from '../worker/core/types';

/** The seed document: a report dated 2022-02-28, publisher not named. */
export const SEED_REPORT = { ...(seedMeta as Omit<ArticleSource, 'body'>), body: seedText } as ArticleSource & { id: string };
export const SEED_REPORT_ID = 'seed-report-2022-02-28';
/** The primary record: UN press release GA/12404 (its two opening paragraphs). */
export const UN_PRESS = unPress as ArticleSource & { id: string };
/** A second report: Xinhua's coverage (excerpt), 1 March 2022. */
export const XINHUA = xinhua as ArticleSource & { id: string };
export const SEED_ARTICLES: (ArticleSource & { id: string })[] = [SEED_REPORT, UN_PRESS, XINHUA];
export const SEED_CLAIMS = (samples as { claims: ClaimSource[] }).claims;
